import { useState } from 'preact/hooks';
import { download, get, post } from '../api';
import { shortTitle, StepBadge } from '../components/Badges';
import { shortTitleOfId } from '../components/bookId';
import { ErrorBox } from '../components/ErrorBox';
import { FilterBar, filtersFrom, type FilterName } from '../components/Filters';
import { saveCsv } from '../csv';
import { fmtDateTime, fmtNumber } from '../format';
import { useApp, useAsync, useSelection, useTitle } from '../hooks';
import { href, navigate } from '../router';
import type { ListResponse, ReplayResponse, ReplayResult } from '../types';

const RESULT_LABELS: Record<ReplayResult['result'], string> = { ok: 'Khớp', nonDeterministic: 'Không tất định', error: 'Lỗi' };
const FIELDS: FilterName[] = ['district', 'agency', 'type', 'step', 'status', 'q'];
const PAGE = 25;

/**
 * Auditors choose books and replay their histories with the current workflow code: a book whose
 * history the code can no longer reproduce is reported with the non-determinism found.
 */
export function Audit({ params }: { params: URLSearchParams }) {
  const { announce } = useApp();
  useTitle('Kiểm toán');
  const filters = filtersFrom(params, FIELDS);
  const offset = Number(params.get('offset')) || 0;
  const [selected, setSelected, toggle] = useSelection(() => new Set((params.get('ids') ?? '').split(',').filter(Boolean)));
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ReplayResponse | undefined>();
  const [error, setError] = useState<Error | undefined>();

  const list = useAsync(() => get<ListResponse>('/api/registers', { ...filters, pageSize: PAGE, offset }), JSON.stringify([filters, offset]));
  const rows = list.data?.items ?? [];
  const total = list.data?.total ?? 0;

  const run = async (body: { ids?: string[]; agency?: string }) => {
    setRunning(true);
    setError(undefined);
    setResult(undefined);
    try {
      const r = await post<ReplayResponse>('/api/audit/replay', body);
      setResult(r);
      announce(`Replay xong: ${r.summary.ok} khớp, ${r.summary.nonDeterministic} không tất định, ${r.summary.error} lỗi.`);
    } catch (e) {
      setError(e as Error);
    } finally {
      setRunning(false);
    }
  };

  const go = (over: Record<string, string | number | undefined>) => navigate(href('/audit', { ...filters, ...(selected.size ? { ids: [...selected].join(',') } : {}), ...over }));

  return (
    <section aria-labelledby="audit-title">
      <div class="page-head">
        <div>
          <h1 id="audit-title">Kiểm toán: chạy lại lịch sử (replay)</h1>
          <p class="muted">Chọn sổ, chạy lại lịch sử sự kiện của từng sổ với mã workflow hiện tại. Sổ không khớp cho thấy mã đã đổi mà không giữ tương thích.</p>
        </div>
      </div>

      <FilterBar fields={FIELDS} values={filters} onChange={(f) => go({ ...Object.fromEntries(FIELDS.map((k) => [k, undefined])), ...f, offset: undefined })} />
      {list.error && <ErrorBox error={list.error} />}

      <div class="actions-row wrap sticky-actions">
        <button type="button" class="btn primary" disabled={running || selected.size === 0} onClick={() => void run({ ids: [...selected] })} data-testid="replay-selected">
          {running ? 'Đang chạy replay…' : `Chạy replay cho ${fmtNumber(selected.size)} sổ đã chọn`}
        </button>
        {filters.agency && (
          <button type="button" class="btn" disabled={running} onClick={() => void run({ agency: filters.agency })}>
            Chạy replay mọi sổ của đơn vị đã lọc
          </button>
        )}
        {selected.size > 0 && (
          <button type="button" class="btn ghost" onClick={() => setSelected(new Set())}>
            Bỏ chọn tất cả
          </button>
        )}
      </div>

      {error && <ErrorBox error={error} title="Không chạy được replay" />}
      {result && (
        <section class="card" aria-labelledby="replay-title" data-testid="replay-results">
          <div class="card-head">
            <h2 id="replay-title">Kết quả replay</h2>
            <button
              type="button"
              class="btn small"
              onClick={() => saveCsv('ket-qua-replay.csv', ['Mã sổ', 'Lượt chạy', 'Kết quả', 'Chi tiết'], result.results.map((r) => [r.id, r.runId, RESULT_LABELS[r.result], r.error ?? '']))}
            >
              Xuất CSV
            </button>
          </div>
          <p data-testid="replay-summary">
            {fmtNumber(result.summary.total)} lượt chạy: <strong class="ok-text">{fmtNumber(result.summary.ok)} khớp</strong>, <strong class={result.summary.nonDeterministic ? 'bad-text' : ''}>{fmtNumber(result.summary.nonDeterministic)} không tất định</strong>, {fmtNumber(result.summary.error)} lỗi.
          </p>
          <div class="table-wrap">
            <table class="table compact">
              <thead>
                <tr>
                  <th scope="col">Sổ</th>
                  <th scope="col" class="hide-sm">
                    Lượt chạy
                  </th>
                  <th scope="col">Kết quả</th>
                  <th scope="col">Chi tiết</th>
                  <th scope="col">
                    <span class="sr-only">Tải</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.results.map((r) => (
                  <tr key={r.id + r.runId}>
                    <td>
                      <a href={`/books/${encodeURIComponent(r.id)}`}>{shortTitleOfId(r.id)}</a>
                    </td>
                    <td class="hide-sm">
                      <code>{r.runId.slice(0, 8)}</code>
                    </td>
                    <td>
                      <span class={`badge ${r.result === 'ok' ? 'ok' : 'bad'}`}>{RESULT_LABELS[r.result]}</span>
                    </td>
                    <td class="break">{r.error ?? ''}</td>
                    <td>
                      <HistoryButton id={r.id} query={{ runId: r.runId }} onError={setError} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <div class="table-wrap">
        <table class="table books" data-testid="audit-table">
          <caption class="sr-only">Chọn sổ để chạy replay</caption>
          <thead>
            <tr>
              <th scope="col" class="check">
                <span class="sr-only">Chọn</span>
              </th>
              <th scope="col">Sổ</th>
              <th scope="col" class="hide-sm">
                Đơn vị
              </th>
              <th scope="col">Bước</th>
              <th scope="col">Cập nhật</th>
              <th scope="col">
                <span class="sr-only">Lịch sử</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.id} class={selected.has(b.id) ? 'selected' : ''}>
                <td class="check">
                  <input type="checkbox" aria-label={`Chọn sổ ${b.id}`} checked={selected.has(b.id)} onChange={() => toggle(b.id)} />
                </td>
                <td>
                  <a class="book-link" href={`/books/${encodeURIComponent(b.id)}`}>
                    {shortTitle(b)}
                  </a>
                </td>
                <td class="hide-sm">{b.agencyName}</td>
                <td>
                  <StepBadge step={b.step} phase={b.phase} />
                </td>
                <td>{fmtDateTime(b.updatedAt ?? b.startedAt)}</td>
                <td>
                  <HistoryButton id={b.id} onError={setError} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total > PAGE && (
        <nav class="pager" aria-label="Phân trang">
          <button type="button" class="btn" disabled={offset === 0} onClick={() => go({ offset: Math.max(0, offset - PAGE) || undefined })}>
            ‹ Trang trước
          </button>
          <span>
            Sổ {fmtNumber(offset + 1)}–{fmtNumber(offset + rows.length)} trên {fmtNumber(total)}
          </span>
          <button type="button" class="btn" disabled={list.data?.nextOffset === undefined} onClick={() => go({ offset: list.data?.nextOffset })}>
            Trang sau ›
          </button>
        </nav>
      )}
    </section>
  );
}

/** Downloads a book's raw event history (one run's when `query.runId` is given). */
function HistoryButton({ id, query, onError }: { id: string; query?: { runId: string }; onError: (e: Error) => void }) {
  return (
    <button type="button" class="btn small" onClick={() => void download(`/api/registers/${encodeURIComponent(id)}/history.json`, `${id}.history.json`, query).catch(onError)}>
      Tải lịch sử gốc
    </button>
  );
}
