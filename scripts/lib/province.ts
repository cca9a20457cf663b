import type { Units } from '../../domain/units';
import type { Agency } from '../../domain/agencies';
import { registerTypes, typeCode, type RegisterType } from '../../domain/registerTypes';
import { workflowIdFor } from '../../domain/book';

/**
 * A province-shaped inventory: every unit of the units data holds books (a district office about three
 * times a commune's, the Sở Tư pháp five), the ten types in the shares a province's registers show
 * (birth books most, guardianship few), years across the five legal periods, 30–200 cases a book.
 * Deterministic for a seed, so a bench run and its repeat build the same province.
 */
const TYPE_SHARES: Record<RegisterType, number> = {
  birth: 0.34, death: 0.2, marriage: 0.16, maritalStatus: 0.1, parentChild: 0.05,
  change: 0.05, adoption: 0.03, divorceNote: 0.03, guardianship: 0.02, guardianshipEnd: 0.02,
};
const LEVEL_WEIGHT = { commune: 1, district: 3, province: 5 } as const;
/** Years of registration weighted towards the later periods, with books kept since before 1975. */
const YEAR_SPANS: [from: number, to: number, weight: number][] = [[1955, 1975, 0.08], [1976, 1998, 0.32], [1999, 2005, 0.2], [2006, 2015, 0.3], [2016, 2019, 0.1]];

export interface InventoryLine {
  id: string;
  agencyCode: string;
  type: RegisterType;
  bookNo: string;
  yearFrom: number;
  yearTo: number;
  expectedCases: number;
}

/** mulberry32: a small seeded generator (the province must be the same on every run). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(rnd: () => number, items: readonly T[], weight: (t: T) => number): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const i of items) cumulative.push((total += weight(i)));
  return () => {
    const x = rnd() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

export function provinceInventory(units: Units, books: number, seed = 49): InventoryLine[] {
  const rnd = random(seed);
  const agencies = units.agencies;
  const pickAgency = weighted<Agency>(rnd, agencies, (a) => LEVEL_WEIGHT[a.level]);
  const pickType = weighted(rnd, registerTypes, (t) => TYPE_SHARES[t]);
  const pickSpan = weighted(rnd, YEAR_SPANS, (s) => s[2]);
  const numbers = new Map<string, number>();
  const out: InventoryLine[] = [];
  // Every unit first (each holds at least one book when there are enough), then by weight.
  for (let i = 0; i < books; i++) {
    const agency = i < agencies.length && books >= agencies.length ? agencies[i]! : pickAgency();
    const type = pickType();
    const [from, to] = pickSpan();
    const yearFrom = from + Math.floor(rnd() * (to - from + 1));
    const yearTo = Math.min(to, yearFrom + (rnd() < 0.2 ? 1 : 0));
    const key = `${agency.code}-${type}-${yearFrom}`;
    const n = (numbers.get(key) ?? 0) + 1;
    numbers.set(key, n);
    const bookNo = String(n).padStart(2, '0');
    const expectedCases = 30 + Math.floor(rnd() * 171);
    out.push({ id: workflowIdFor({ agency, type, bookNo, yearFrom }), agencyCode: agency.code, type, bookNo, yearFrom, yearTo, expectedCases });
  }
  return out;
}

/** The inventory as the CSV a manager uploads (the template's Vietnamese headers). */
export function inventoryCsv(lines: readonly InventoryLine[]): string {
  const rows = lines.map((l) => [l.agencyCode, typeCode(l.type), l.bookNo, l.yearFrom, l.yearTo, l.expectedCases].join(','));
  return ['Mã đơn vị,Loại sổ,Số quyển,Từ năm,Đến năm,Số trường hợp', ...rows].join('\n') + '\n';
}

/**
 * Which books are driven how far (0 stays at inventory … 7 done): `share` of the books, spread evenly
 * over the stages 1–7 and over the province (every k-th book), so every step and state has books.
 */
export function driveStages(lines: readonly InventoryLine[], share: number): { line: InventoryLine; stage: number }[] {
  const count = Math.min(lines.length, Math.round(lines.length * share));
  if (!count) return [];
  const step = lines.length / count;
  return Array.from({ length: count }, (_, i) => ({ line: lines[Math.floor(i * step)]!, stage: 1 + (i % 7) }));
}
