import { useState } from 'preact/hooks';
import { download, get } from '../api';
import { DeadlineCell, shortTitle, StepBadge } from '../components/Badges';
import { BulkPanel, type BulkTarget } from '../components/BulkPanel';
import { ErrorBox } from '../components/ErrorBox';
import { NewBooks } from '../components/NewBooks';
import { FilterBar, filtersFrom, LIST_FILTERS, type FilterName, type Filters } from '../components/Filters';
import { saveCsv } from '../csv';
import { fmtDate, fmtDateTime, fmtNumber } from '../format';
import { useApp, useAsync, useSelection, useTitle } from '../hooks';
import { districtLabel, phaseLabel, stepLabel, typeLabel } from '../labels';
import { canBulk, canCreate, canSeeStuck } from '../permissions';
import { href, navigate } from '../router';
import type { ListResponse, RegisterSummary, StuckReport } from '../types';

const SORTS = [
  ['started', 'Ngày tạo'],
  ['deadline', 'Hạn'],
  ['priority', 'Ưu tiên'],
  ['yearFrom', 'Năm'],
  ['updated', 'Cập nhật'],
] as const;
type SortKey = (typeof SORTS)[number][0];
const PAGE_SIZES = [25, 50, 100, 200];

/** Filters the API lists by (everything except the page's own `stuck`). */
const apiFilters = (f: Filters) => Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'stuck')) as Filters;

/** One row of the page, from the list or from the stuck report. */
interface Row {
  id: string;
  summary?: RegisterSummary;
  stuck?: { title: string | null; step: string | null; why: string; since: string | null };
}

async function fetchAll(filters: Filters, sort: string, order: string | undefined): Promise<RegisterSummary[]> {
  const out: RegisterSummary[] = [];
  let offset: number | undefined = 0;
  while (offset !== undefined) {
    const page: ListResponse = await get<ListResponse>('/api/registers', { ...apiFilters(filters), sort, order, pageSize: 1000, offset });
    out.push(...page.items);
    offset = page.nextOffset;
  }
  return out;
}

/** A page of the stuck books: the failing ones on the first page, then the longest waiting for a person. */
async function fetchStuck(pageSize: number, offset: number): Promise<{ rows: Row[]; total: number; nextOffset?: number }> {
  const r = await get<StuckReport>('/api/reports/stuck', { limit: pageSize, offset });
  const rows = new Map<string, Row>();
  if (offset === 0) {
    for (const f of r.failing) {
      rows.set(f.id, { id: f.id, stuck: { title: f.title, step: f.step, since: f.since, why: `${f.activity} lỗi ${fmtNumber(f.attempt)} lần${f.lastError ? `: ${f.lastError}` : ''}` } });
    }
  }
  for (const w of r.waiting) {
    if (!rows.has(w.id)) rows.set(w.id, { id: w.id, stuck: { title: w.title, step: w.step, since: w.since, why: `chờ người ${fmtNumber(w.days)} ngày (${phaseLabel(w.phase)})` } });
  }
  return { rows: [...rows.values()], total: r.books, nextOffset: r.nextOffset };
}

/** Every stuck book (for the CSV and a bulk action): the pages, each book once. */
async function fetchAllStuck(): Promise<Row[]> {
  const rows = new Map<string, Row>();
  let offset: number | undefined = 0;
  while (offset !== undefined) {
    const page = await fetchStuck(10_000, offset);
    for (const r of page.rows) if (!rows.has(r.id)) rows.set(r.id, r);
    offset = page.nextOffset;
  }
  return [...rows.values()];
}

export function BookList({ params }: { params: URLSearchParams }) {
  const { me } = useApp();
  useTitle('Danh sách sổ');
  const fields: FilterName[] = LIST_FILTERS.filter((f) => f !== 'stuck' || canSeeStuck(me));
  const filters = filtersFrom(params, fields);
  const sort = (params.get('sort') ?? 'started') as SortKey;
  const order = params.get('order') ?? undefined;
  const pageSize = Number(params.get('pageSize')) || 50;
  const offset = Number(params.get('offset')) || 0;
  const stuckView = filters.stuck === 'true';
  const [selected, setSelected, toggle] = useSelection();
  const [exporting, setExporting] = useState<Error | 'busy' | undefined>();

  const key = JSON.stringify([filters, sort, order, pageSize, offset]);
  const list = useAsync(async (): Promise<{ rows: Row[]; total: number; nextOffset?: number }> => {
    if (stuckView) return fetchStuck(pageSize, offset);
    const r = await get<ListResponse>('/api/registers', { ...apiFilters(filters), sort, order, pageSize, offset });
    return { rows: r.items.map((s) => ({ id: s.id, summary: s })), total: r.total ?? r.items.length, nextOffset: r.nextOffset };
  }, key);

  const go = (over: Record<string, string | number | undefined>) => {
    const next = { ...filters, sort: sort === 'started' ? undefined : sort, order, pageSize: pageSize === 50 ? undefined : pageSize, offset: undefined, ...over };
    setSelected(new Set());
    navigate(href('/books', next));
  };

  const rows = list.data?.rows ?? [];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.floor(offset / pageSize) + 1;
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));


  const exportCsv = async () => {
    setExporting('busy');
    try {
      if (stuckView) {
        const data = await fetchAllStuck();
        saveCsv('so-bi-ket.csv', ['Mã sổ', 'Sổ', 'Bước', 'Lý do', 'Từ'], data.map((r) => [r.id, r.stuck?.title, stepLabel(r.stuck?.step), r.stuck?.why, fmtDateTime(r.stuck?.since)]));
      } else {
        // The server writes the whole list (same filters, search and order) as it streams: one request at any size.
        await download('/api/registers/export.csv', 'danh-sach-so.csv', { ...apiFilters(filters), sort, order });
      }
      setExporting(undefined);
    } catch (e) {
      setExporting(e as Error);
    }
  };

  const target = (): BulkTarget => {
    if (selected.size) return { kind: 'ids', ids: [...selected], label: `${fmtNumber(selected.size)} sổ đã chọn` };
    if (stuckView || filters.q) return { kind: 'ids', ids: rows.map((r) => r.id), label: 'các sổ của danh sách', resolve: stuckView ? async () => (await fetchAllStuck()).map((r) => r.id) : async () => (await fetchAll({ ...filters, status: 'running' }, sort, order)).map((b) => b.id) };
    return { kind: 'filter', filter: apiFilters(filters), label: 'toàn bộ các sổ đang thực hiện của danh sách đã lọc' };
  };

  const sortHeader = (key: SortKey, label: string) => {
    const active = sort === key;
    const dir = order ?? (key === 'started' ? 'desc' : 'asc');
    return (
      <th scope="col" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" class="sort" onClick={() => go({ sort: key === 'started' ? undefined : key, order: active ? (dir === 'asc' ? 'desc' : 'asc') : undefined })}>
          {label}
          <span aria-hidden="true">{active ? (dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
        </button>
      </th>
    );
  };

  return (
    <section aria-labelledby="list-title">
      <div class="page-head">
        <div>
          <h1 id="list-title">Danh sách sổ</h1>
          <p class="muted" data-testid="list-count" aria-live="polite">
            {list.loading ? 'Đang tải…' : stuckView ? `${fmtNumber(total)} sổ bị kẹt` : `${fmtNumber(total)} sổ`}
          </p>
        </div>
        <div class="actions-row">
          <button type="button" class="btn" onClick={() => void exportCsv()} disabled={exporting === 'busy' || !total}>
            {exporting === 'busy' ? 'Đang xuất…' : 'Xuất CSV'}
          </button>
        </div>
      </div>
      <FilterBar fields={fields} values={filters} onChange={(f) => go({ ...Object.fromEntries(fields.map((k) => [k, undefined])), ...f })} />
      {exporting instanceof Error && <ErrorBox error={exporting} title="Không xuất được CSV" />}
      {list.error && <ErrorBox error={list.error} />}

      {canCreate(me) && <NewBooks onCreated={list.reload} />}
      {canBulk(me) && list.data && total > 0 && <BulkPanel target={target()} selectedCount={selected.size} onDone={list.reload} />}

      <div class="table-wrap">
        <table class="table books" data-testid="book-table">
          <caption class="sr-only">Các sổ theo bộ lọc, trang {page}</caption>
          <thead>
            <tr>
              {canBulk(me) && (
                <th scope="col" class="check">
                  <input
                    type="checkbox"
                    aria-label="Chọn mọi sổ trên trang này"
                    checked={allOnPage}
                    onChange={() =>
                      setSelected((s) => {
                        const n = new Set(s);
                        rows.forEach((r) => (allOnPage ? n.delete(r.id) : n.add(r.id)));
                        return n;
                      })
                    }
                  />
                </th>
              )}
              <th scope="col">Sổ</th>
              <th scope="col" class="hide-sm">
                Đơn vị
              </th>
              <th scope="col">Bước</th>
              {stuckView ? (
                <>
                  <th scope="col">Lý do bị kẹt</th>
                  <th scope="col">Từ</th>
                </>
              ) : (
                <>
                  {sortHeader('deadline', 'Hạn')}
                  <th scope="col" class="num hide-sm">
                    Trường hợp
                  </th>
                  {sortHeader('priority', 'Ưu tiên')}
                  {sortHeader('updated', 'Cập nhật')}
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const b = r.summary;
              return (
                <tr key={r.id} class={selected.has(r.id) ? 'selected' : ''}>
                  {canBulk(me) && (
                    <td class="check">
                      <input type="checkbox" aria-label={`Chọn sổ ${r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                    </td>
                  )}
                  <td>
                    <a href={`/books/${encodeURIComponent(r.id)}`} class="book-link">
                      {b ? shortTitle(b) : (r.stuck?.title ?? r.id)}
                    </a>
                    <small class="block muted">{b ? typeLabel(b.type) : r.id}</small>
                  </td>
                  <td class="hide-sm">
                    {b?.agencyName ?? '—'}
                    <small class="block muted">{districtLabel(b?.districtCode)}</small>
                  </td>
                  <td>{b ? <StepBadge step={b.step} phase={b.phase} /> : <StepBadge step={r.stuck?.step ?? null} />}</td>
                  {stuckView ? (
                    <>
                      <td>{r.stuck?.why}</td>
                      <td>{fmtDateTime(r.stuck?.since)}</td>
                    </>
                  ) : (
                    <>
                      <td>
                        <DeadlineCell deadline={b!.deadline} overdue={b!.overdue} closed={b!.executionStatus !== 'RUNNING'} />
                      </td>
                      <td class="num hide-sm">{fmtNumber(b!.recordCount)}</td>
                      <td class="num">{b!.priority ?? '—'}</td>
                      <td>{fmtDateTime(b!.updatedAt ?? b!.startedAt)}</td>
                    </>
                  )}
                </tr>
              );
            })}
            {!list.loading && rows.length === 0 && (
              <tr>
                <td colSpan={8} class="empty">
                  Không có sổ nào khớp bộ lọc.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      {!stuckView && total > 0 && (
        <nav class="pager" aria-label="Phân trang">
          <button type="button" class="btn" disabled={offset === 0} onClick={() => go({ offset: Math.max(0, offset - pageSize) || undefined })}>
            ‹ Trang trước
          </button>
          <span>
            Trang {fmtNumber(page)} / {fmtNumber(pages)} · sổ {fmtNumber(offset + 1)}–{fmtNumber(offset + rows.length)} trên {fmtNumber(total)}
          </span>
          <button type="button" class="btn" disabled={list.data?.nextOffset === undefined} onClick={() => go({ offset: list.data?.nextOffset })}>
            Trang sau ›
          </button>
          <label class="inline">
            Mỗi trang{' '}
            <select value={pageSize} onChange={(e) => go({ pageSize: Number((e.target as HTMLSelectElement).value) })}>
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label class="inline">
            Sắp xếp{' '}
            <select value={sort} onChange={(e) => go({ sort: (e.target as HTMLSelectElement).value, order: undefined })}>
              {SORTS.map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        </nav>
      )}
    </section>
  );
}
