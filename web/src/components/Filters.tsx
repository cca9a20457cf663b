import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../hooks';

/** Filters as they appear in the page's URL and in the API's query string: the same names. */
export type Filters = Record<string, string | undefined>;

export const OVERVIEW_FILTERS = ['district', 'agency', 'level', 'type', 'period'] as const;
export const LIST_FILTERS = ['district', 'agency', 'level', 'type', 'period', 'step', 'overdue', 'awaitingHuman', 'status', 'stuck', 'q'] as const;
export type FilterName = (typeof LIST_FILTERS)[number];

export function filtersFrom(params: URLSearchParams, fields: readonly FilterName[]): Filters {
  const out: Filters = {};
  for (const f of fields) {
    const v = params.get(f);
    if (v) out[f] = v;
  }
  return out;
}

const LABELS: Record<FilterName, string> = {
  district: 'Huyện',
  agency: 'Đơn vị',
  level: 'Cấp',
  type: 'Loại sổ',
  period: 'Nhóm sổ',
  step: 'Bước',
  overdue: 'Quá hạn',
  awaitingHuman: 'Chờ người xử lý',
  status: 'Trạng thái',
  stuck: 'Bị kẹt',
  q: 'Số quyển',
};

/** The filter form; selects apply at once, the book number on Enter or with the button. */
export function FilterBar({ fields, values, onChange }: { fields: readonly FilterName[]; values: Filters; onChange: (f: Filters) => void }) {
  const { reference } = useApp();
  const [q, setQ] = useState(values.q ?? '');
  useEffect(() => setQ(values.q ?? ''), [values.q]);
  const set = (name: FilterName, v: string) => {
    const next: Filters = { ...values, [name]: v || undefined };
    if (name === 'district') delete next.agency;
    onChange(next);
  };
  const agencies = reference.agencies.filter((a) => !values.district || a.districtCode === values.district);
  const options: Partial<Record<FilterName, [string, string][]>> = {
    district: reference.districts.map((d) => [d.code, d.name]),
    agency: agencies.map((a) => [a.code, a.name]),
    level: reference.levels.map((l) => [l.id, l.label]),
    type: reference.registerTypes.map((t) => [t.id, t.label]),
    period: reference.periods.map((p) => [p.id, p.label]),
    step: reference.steps.map((s) => [s.id, s.label]),
    overdue: [
      ['true', 'Quá hạn'],
      ['false', 'Chưa quá hạn'],
    ],
    awaitingHuman: [
      ['true', 'Đang chờ người'],
      ['false', 'Không chờ người'],
    ],
    status: [
      ['running', 'Đang thực hiện'],
      ['closed', 'Đã đóng (xong hoặc rút)'],
    ],
  };
  const active = fields.some((f) => values[f]);
  return (
    <form
      class="filters"
      role="search"
      aria-label="Bộ lọc"
      onSubmit={(e) => {
        e.preventDefault();
        set('q', q.trim());
      }}
    >
      {fields.map((f) => {
        const id = `filter-${f}`;
        if (f === 'q') {
          return (
            <div class="field" key={f}>
              <label for={id}>{LABELS[f]}</label>
              <span class="inline">
                <input id={id} type="search" inputMode="text" placeholder="ví dụ 01, 12A" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} size={10} />
                <button type="submit" class="btn">
                  Tìm
                </button>
              </span>
            </div>
          );
        }
        if (f === 'stuck') {
          return (
            <div class="field check" key={f}>
              <input id={id} type="checkbox" checked={values.stuck === 'true'} onChange={(e) => set('stuck', (e.target as HTMLInputElement).checked ? 'true' : '')} />
              <label for={id}>{LABELS[f]}</label>
            </div>
          );
        }
        return (
          <div class="field" key={f}>
            <label for={id}>{LABELS[f]}</label>
            <select id={id} value={values[f] ?? ''} onChange={(e) => set(f, (e.target as HTMLSelectElement).value)}>
              <option value="">Tất cả</option>
              {(options[f] ?? []).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </div>
        );
      })}
      {active && (
        <div class="field end">
          <button type="button" class="btn ghost" onClick={() => onChange(Object.fromEntries(Object.entries(values).filter(([k]) => !(fields as readonly string[]).includes(k))))}>
            Xóa bộ lọc
          </button>
        </div>
      )}
    </form>
  );
}
