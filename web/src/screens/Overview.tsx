import { registerTypes, steps } from '../../../contracts/v1';
import { useState } from 'preact/hooks';
import { download, get } from '../api';
import { BarChart, type BarRow } from '../components/BarChart';
import { ErrorBox } from '../components/ErrorBox';
import { SchedulesPanel } from '../components/SchedulesPanel';
import { FilterBar, filtersFrom, OVERVIEW_FILTERS, type Filters } from '../components/Filters';
import { daysUntil, fmtDate, fmtDateTime, fmtDaysLeft, fmtNumber, fmtPercent } from '../format';
import { useApp, useAsync, useTitle } from '../hooks';
import { stepLabel, typeShort } from '../labels';
import { canSeeSchedules } from '../permissions';
import { href, navigate } from '../router';
import type { ProgressReport, ProgressRow, ProvincePlan } from '../types';
import { jurisdictionLabel } from '../App';

const LEGEND = [
  { kind: 'done' as const, label: 'Hoàn thành' },
  { kind: 'active' as const, label: 'Đang thực hiện' },
  { kind: 'overdue' as const, label: 'Quá hạn' },
];

/** done / in progress (not overdue) / overdue, for one row of the report. */
function segmentsOf(r: ProgressRow) {
  return [
    { kind: 'done' as const, value: r.done, label: 'hoàn thành' },
    { kind: 'active' as const, value: Math.max(0, r.inProgress - r.overdue), label: 'đang thực hiện' },
    { kind: 'overdue' as const, value: r.overdue, label: 'quá hạn' },
  ];
}

export function Overview({ params }: { params: URLSearchParams }) {
  const { me } = useApp();
  useTitle('Tổng quan');
  const [minutes, setMinutes] = useState<Error | 'busy' | undefined>();
  const filters = filtersFrom(params, OVERVIEW_FILTERS);
  const key = JSON.stringify(filters);
  const report = useAsync(async () => {
    const q = { ...filters };
    const [district, type, step, plan] = await Promise.all([
      get<ProgressReport>('/api/reports/progress', { ...q, by: 'district' }),
      get<ProgressReport>('/api/reports/progress', { ...q, by: 'type' }),
      get<ProgressReport>('/api/reports/progress', { ...q, by: 'step' }),
      get<ProvincePlan>('/api/plan'),
    ]);
    return { district, type, step, planDeadline: plan.deadline };
  }, key);

  const link = (extra: Filters) => href('/books', { ...filters, ...extra });
  const d = report.data;
  const total = d?.step.total;
  const doneRow = d?.step.rows.find((r) => r.key === 'done');
  const left = daysUntil(d?.planDeadline);
  const counted = total ? total.books - total.withdrawn : 0;

  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <div>
          <h1 id="overview-title">Tổng quan tiến độ</h1>
          <p class="muted">
            {jurisdictionLabel(me)}
            {d && <> · số liệu lúc {fmtDateTime(d.step.generatedAt)}</>}
          </p>
        </div>
        <div class="actions-row">
          {(me.role === 'manager' || me.role === 'auditor' || me.role === 'admin') && (
            <button
              type="button"
              class="btn"
              disabled={minutes === 'busy'}
              onClick={() => {
                setMinutes('busy');
                download('/api/reports/acceptance', 'bien-ban-nghiem-thu.xlsx', filters).then(() => setMinutes(undefined), setMinutes);
              }}
            >
              {minutes === 'busy' ? 'Đang lập biên bản…' : 'Tải biên bản nghiệm thu (.xlsx)'}
            </button>
          )}
          <button type="button" class="btn" onClick={report.reload} disabled={report.loading}>
            {report.loading ? 'Đang tải…' : 'Làm mới'}
          </button>
        </div>
      </div>
      {minutes instanceof Error && <ErrorBox error={minutes} title="Không lập được biên bản nghiệm thu" />}

      <FilterBar fields={OVERVIEW_FILTERS} values={filters} onChange={(f) => navigate(href('/', f))} />

      {report.error && <ErrorBox error={report.error} />}
      {!d && !report.error && <p class="loading">Đang tải số liệu…</p>}

      {d && total && (
        <>
          <div class="kpis">
            <a class="kpi" href={link({ step: 'done' })} data-testid="kpi-books">
              <span class="kpi-label">Sổ hoàn thành</span>
              <span class="kpi-value">
                {fmtNumber(total.done)} <small>/ {fmtNumber(counted)}</small>
              </span>
              <span class="kpi-sub">{fmtPercent(total.done, counted)} số sổ</span>
            </a>
            <a class="kpi" href={link({ step: 'done' })} data-testid="kpi-cases">
              <span class="kpi-label">Trường hợp đã số hóa</span>
              <span class="kpi-value">
                {fmtNumber(doneRow?.cases ?? 0)} <small>/ {fmtNumber(total.cases)}</small>
              </span>
              <span class="kpi-sub">{fmtPercent(doneRow?.cases ?? 0, total.cases)} số trường hợp</span>
            </a>
            <a class="kpi" href={link({ step: 'done' })} data-testid="kpi-pages">
              <span class="kpi-label">Trang đã số hóa</span>
              <span class="kpi-value">
                {fmtNumber(doneRow?.pages ?? 0)} <small>/ {fmtNumber(total.pages)}</small>
              </span>
              <span class="kpi-sub">{fmtPercent(doneRow?.pages ?? 0, total.pages)} số trang</span>
            </a>
            <a class={`kpi ${left !== undefined && left < 0 ? 'bad' : left !== undefined && left <= 30 ? 'warn' : ''}`} href={link({ status: 'running', sort: 'deadline' })} data-testid="kpi-deadline">
              <span class="kpi-label">Hạn kế hoạch</span>
              <span class="kpi-value">{fmtDate(d.planDeadline)}</span>
              <span class="kpi-sub">{fmtDaysLeft(left)}</span>
            </a>
            <a class={`kpi ${total.overdue ? 'bad' : ''}`} href={link({ overdue: 'true', status: 'running' })} data-testid="kpi-overdue">
              <span class="kpi-label">Sổ quá hạn</span>
              <span class="kpi-value">{fmtNumber(total.overdue)}</span>
              <span class="kpi-sub">chưa xong khi đã hết hạn</span>
            </a>
            <a class={`kpi ${total.awaitingHuman ? 'warn' : ''}`} href={link({ awaitingHuman: 'true', status: 'running' })} data-testid="kpi-waiting">
              <span class="kpi-label">Sổ chờ người xử lý</span>
              <span class="kpi-value">{fmtNumber(total.awaitingHuman)}</span>
              <span class="kpi-sub">chờ thực hiện hoặc chờ duyệt</span>
            </a>
          </div>

          <div class="progress-line" aria-label={`Hoàn thành ${fmtPercent(total.done, counted)} số sổ`}>
            <div class="progress-track">
              <div class="progress-fill" style={{ width: `${counted ? (100 * total.done) / counted : 0}%` }} />
            </div>
            <p class="muted">
              {fmtNumber(total.done)} trên {fmtNumber(counted)} sổ đã hoàn thành ({fmtPercent(total.done, counted)}); {fmtNumber(total.inProgress)} sổ đang thực hiện
              {total.withdrawn ? `, ${fmtNumber(total.withdrawn)} sổ đã rút` : ''}. {d.planDeadline ? `Hạn kế hoạch ${fmtDate(d.planDeadline)} (${fmtDaysLeft(left)}).` : ''}
            </p>
          </div>

          <StepTable report={d.step} link={link} />

          <div class="charts">
            <BarChart
              id="chart-district"
              title="Theo huyện, thị xã, thành phố"
              legend={LEGEND}
              rows={d.district.rows.map(
                (r): BarRow => ({
                  key: r.key,
                  label: r.label,
                  href: link({ district: r.key }),
                  segments: segmentsOf(r),
                  note: `${fmtNumber(r.done)}/${fmtNumber(r.books - r.withdrawn)} · ${fmtPercent(r.done, r.books - r.withdrawn)}`,
                }),
              )}
            />
            <BarChart
              id="chart-type"
              title="Theo loại sổ"
              legend={LEGEND}
              rows={[...d.type.rows].sort((a, b) => registerTypes.indexOf(a.key as never) - registerTypes.indexOf(b.key as never)).map(
                (r): BarRow => ({
                  key: r.key,
                  label: typeShort(r.key),
                  href: link({ type: r.key }),
                  segments: segmentsOf(r),
                  note: `${fmtNumber(r.done)}/${fmtNumber(r.books - r.withdrawn)} · ${fmtPercent(r.done, r.books - r.withdrawn)}`,
                }),
              )}
            />
          </div>

          <DimensionTable title="Số liệu theo huyện" report={d.district} link={(r, extra) => (r.key === '*' ? link({ ...extra }) : link({ district: r.key, ...extra }))} testid="table-district" />
        </>
      )}

      {canSeeSchedules(me) && <SchedulesPanel />}
    </section>
  );
}

/** Books at each step of the plan, in plan order, with cases and pages: where the work stands. */
function StepTable({ report, link }: { report: ProgressReport; link: (f: Filters) => string }) {
  const byKey = new Map(report.rows.map((r) => [r.key, r]));
  const ordered = steps.filter((s) => byKey.has(s)).map((s) => byKey.get(s)!);
  const max = Math.max(1, ...ordered.map((r) => r.books));
  return (
    <section class="card" aria-labelledby="by-step-title">
      <h2 id="by-step-title">Theo bước</h2>
      <table class="table compact" data-testid="table-step">
        <thead>
          <tr>
            <th scope="col">Bước</th>
            <th scope="col" class="num">
              Sổ
            </th>
            <th scope="col" class="num">
              Trường hợp
            </th>
            <th scope="col" class="num">
              Trang
            </th>
            <th scope="col" class="num">
              Quá hạn
            </th>
            <th scope="col" class="num">
              Chờ người
            </th>
            <th scope="col" class="hide-sm">
              <span class="sr-only">Biểu đồ</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((r) => (
            <tr key={r.key}>
              <th scope="row">
                <a href={link({ step: r.key })}>{stepLabel(r.key)}</a>
              </th>
              <td class="num">
                <a href={link({ step: r.key })}>{fmtNumber(r.books)}</a>
              </td>
              <td class="num">{fmtNumber(r.cases)}</td>
              <td class="num">{fmtNumber(r.pages)}</td>
              <td class="num">{r.overdue ? <a href={link({ step: r.key, overdue: 'true', status: 'running' })}>{fmtNumber(r.overdue)}</a> : '0'}</td>
              <td class="num">{r.awaitingHuman ? <a href={link({ step: r.key, awaitingHuman: 'true', status: 'running' })}>{fmtNumber(r.awaitingHuman)}</a> : '0'}</td>
              <td class="hide-sm spark">
                <svg viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                  <rect class="track" x="0" y="0" width="100" height="8" />
                  <rect class={`seg ${r.key === 'done' ? 'done' : r.key === 'withdrawn' ? 'muted' : 'active'}`} x="0" y="0" width={(100 * r.books) / max} height="8" />
                </svg>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DimensionTable({ title, report, link, testid }: { title: string; report: ProgressReport; link: (r: ProgressRow, extra?: Filters) => string; testid: string }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      <div class="table-wrap">
        <table class="table compact" data-testid={testid}>
          <thead>
            <tr>
              <th scope="col">Đơn vị</th>
              <th scope="col" class="num">
                Sổ
              </th>
              <th scope="col" class="num">
                Hoàn thành
              </th>
              <th scope="col" class="num">
                Đang thực hiện
              </th>
              <th scope="col" class="num">
                Quá hạn
              </th>
              <th scope="col" class="num">
                Chờ người
              </th>
              <th scope="col" class="num hide-sm">
                Trường hợp
              </th>
              <th scope="col" class="num hide-sm">
                Trang
              </th>
              <th scope="col" class="num">
                Tỷ lệ
              </th>
            </tr>
          </thead>
          <tbody>
            {[...report.rows, report.total].map((r) => {
              const isTotal = r === report.total;
              const l = (extra?: Filters) => link(r, extra);
              return (
                <tr key={r.key} class={isTotal ? 'total' : ''}>
                  <th scope="row">{isTotal ? r.label : <a href={l()}>{r.label}</a>}</th>
                  <td class="num">
                    <a href={l()}>{fmtNumber(r.books)}</a>
                  </td>
                  <td class="num">
                    <a href={l({ step: 'done' })}>{fmtNumber(r.done)}</a>
                  </td>
                  <td class="num">
                    <a href={l({ status: 'running' })}>{fmtNumber(r.inProgress)}</a>
                  </td>
                  <td class="num">
                    <a class={r.overdue ? 'bad' : ''} href={l({ overdue: 'true', status: 'running' })}>
                      {fmtNumber(r.overdue)}
                    </a>
                  </td>
                  <td class="num">
                    <a href={l({ awaitingHuman: 'true', status: 'running' })}>{fmtNumber(r.awaitingHuman)}</a>
                  </td>
                  <td class="num hide-sm">{fmtNumber(r.cases)}</td>
                  <td class="num hide-sm">{fmtNumber(r.pages)}</td>
                  <td class="num">{fmtPercent(r.done, r.books - r.withdrawn)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
