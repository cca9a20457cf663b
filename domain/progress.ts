import { AGENCY_LEVEL_LABELS_VI } from './agencies';
import type { Units } from './units';
import { PERIODS } from './periods';
import { STEP_LABELS_VI, steps, type Step } from './plan';
import { REGISTER_TYPES, type RegisterType } from './registerTypes';
import type { ProgressDimension, ProgressRow, RegisterSummary } from '../contracts/v1';

export { progressDimensions, type ProgressDimension, type ProgressRow } from '../contracts/v1';

/** Not yet handed over, and the data names no single successor: a manager decides. */
const UNDECIDED = '?';

/** The 2025 unit that holds a book, or will by the succession data. */
function unit2025Of(units: Units, b: RegisterSummary): string | null {
  const holder = b.custodianKey;
  if (!holder) return null;
  const s = units.successionOf(holder);
  return s.kind === 'final' ? holder : s.kind === 'to' ? s.to.key : UNDECIDED;
}

function keyOf(units: Units, b: RegisterSummary, by: ProgressDimension): string {
  if (by === 'unit2025') return unit2025Of(units, b) ?? '?';
  const v = { district: b.districtCode, agency: b.agencyCode, custodian: b.custodianKey, type: b.type, period: b.period, step: b.step, level: b.level }[by];
  return v ?? '?';
}

export function labelOf(units: Units, by: ProgressDimension, key: string, sample?: RegisterSummary): string {
  switch (by) {
    case 'custodian':
      return units.findCustodian(key)?.name ?? sample?.custodianName ?? key;
    case 'unit2025':
      return key === UNDECIDED ? 'Chưa xác định đơn vị nhận (quản lý chọn)' : (units.findCustodian(key)?.name ?? key);
    case 'district':
      return units.districtName(key);
    case 'agency':
      return sample?.agencyName ?? units.findAgency(key)?.name ?? key;
    case 'type':
      return REGISTER_TYPES[key as RegisterType]?.nameVi ?? key;
    case 'period':
      return PERIODS.find((p) => p.id === key)?.nameVi ?? key;
    case 'step':
      return STEP_LABELS_VI[key as Step] ?? key;
    case 'level':
      return AGENCY_LEVEL_LABELS_VI[key as keyof typeof AGENCY_LEVEL_LABELS_VI] ?? key;
  }
}

const empty = (key: string, label: string): ProgressRow => ({ key, label, books: 0, cases: 0, pages: 0, done: 0, inProgress: 0, withdrawn: 0, overdue: 0, awaitingHuman: 0, percentDone: 0 });

function add(r: ProgressRow, b: RegisterSummary): void {
  const running = b.executionStatus === 'RUNNING';
  r.books++;
  r.cases += b.recordCount ?? 0;
  r.pages += b.counts.pages ?? b.counts.inventoryPages ?? 0;
  if (b.step === 'done') r.done++;
  if (b.step === 'withdrawn') r.withdrawn++;
  if (running) r.inProgress++;
  if (running && b.overdue) r.overdue++;
  if (running && b.awaitingHuman) r.awaitingHuman++;
}

function finish(r: ProgressRow): ProgressRow {
  const counted = r.books - r.withdrawn;
  r.percentDone = counted > 0 ? Math.round((r.done / counted) * 1000) / 10 : 0;
  return r;
}

/**
 * Progress by one dimension, from list results (search attributes + memo). SQL visibility
 * cannot GROUP BY custom attributes, and sums of cases and pages need the values anyway.
 */
export function progressBy(units: Units, books: readonly RegisterSummary[], by: ProgressDimension): { rows: ProgressRow[]; total: ProgressRow } {
  const rows = new Map<string, ProgressRow>();
  const total = empty('*', 'Tổng cộng');
  for (const b of books) {
    const k = keyOf(units, b, by);
    let r = rows.get(k);
    if (!r) rows.set(k, (r = empty(k, labelOf(units, by, k, b))));
    add(r, b);
    add(total, b);
  }
  const order = (k: string) => (by === 'step' ? steps.indexOf(k as Step) : by === 'period' ? PERIODS.findIndex((p) => p.id === k) : 0);
  const sorted = [...rows.values()].sort((a, b) => order(a.key) - order(b.key) || a.key.localeCompare(b.key));
  return { rows: sorted.map(finish), total: finish(total) };
}
