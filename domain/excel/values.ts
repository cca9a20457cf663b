import type { Period } from '../periods';

/**
 * Value shapes of the template: dates `dd.mm.yyyy` (partial `mm.yyyy` or `yyyy` in old books),
 * `so` like `05` or `05/2017`, `quyenSo` like `01/2017` (a book over several years: `01/2017-2018`).
 */
export const PARTIAL_DATE_PERIODS: ReadonlySet<Period> = new Set<Period>(['pre1976', 'p1976']);

export type ParsedDate =
  | { ok: true; iso: string; year: number; precision: 'day' | 'month' | 'year' }
  | { ok: false; reason: 'shape' | 'unreal' };

const DATE = /^(?:(?:(\d{2})\.)?(\d{2})\.)?(\d{4})$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses `dd.mm.yyyy`, `mm.yyyy` or `yyyy` into an ISO (possibly partial) date. */
export function parseDateVi(s: string): ParsedDate {
  const m = DATE.exec(s);
  if (!m) return { ok: false, reason: 'shape' };
  const [, d, mo, y] = m;
  const year = Number(y);
  if (year < 1800) return { ok: false, reason: 'unreal' };
  if (mo === undefined) return { ok: true, iso: y!, year, precision: 'year' };
  const month = Number(mo);
  if (month < 1 || month > 12) return { ok: false, reason: 'unreal' };
  if (d === undefined) return { ok: true, iso: `${y}-${mo}`, year, precision: 'month' };
  const day = Number(d);
  if (day < 1 || day > daysIn(year, month)) return { ok: false, reason: 'unreal' };
  return { ok: true, iso: `${y}-${mo}-${d}`, year, precision: 'day' };
}

/** ISO (possibly partial) → `dd.mm.yyyy` / `mm.yyyy` / `yyyy`. */
export function isoToVi(iso: string): string {
  return iso.split('-').reverse().join('.');
}

/** A JS Date read from an Excel date cell (UTC midnight) → `dd.mm.yyyy`. */
export function dateToVi(d: Date): string {
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}.${mm}.${d.getUTCFullYear()}`;
}

export interface ParsedSo {
  caseNo: number;
  year?: number;
}

const SO = /^(\d{1,5})(?:\/(\d{4}))?$/;
export function parseSo(s: string): ParsedSo | undefined {
  const m = SO.exec(s);
  if (!m) return undefined;
  return { caseNo: Number(m[1]), ...(m[2] ? { year: Number(m[2]) } : {}) };
}

export interface ParsedQuyenSo {
  bookNo: string;
  yearFrom: number;
  yearTo: number;
}

const QUYEN_SO = /^(\d{1,4})([A-Z]?)\/(\d{4})(?:-(\d{4}))?$/i;
export function parseQuyenSo(s: string): ParsedQuyenSo | undefined {
  const m = QUYEN_SO.exec(s);
  if (!m) return undefined;
  const yearFrom = Number(m[3]);
  return { bookNo: normalizeBookNo(m[1]! + m[2]!), yearFrom, yearTo: m[4] ? Number(m[4]) : yearFrom };
}

/** `1` → `01`, `12a` → `12A`: the form of `Book.bookNo`. */
export function normalizeBookNo(s: string): string {
  return s.toUpperCase().replace(/^\d+/, (d) => String(Number(d)).padStart(2, '0'));
}

/** `quyenSo` as the template expects it for a book: `01/2017` or `01/2017-2018`. */
export function quyenSoOf(b: { bookNo: string; yearFrom: number; yearTo: number }): string {
  return b.yearFrom === b.yearTo ? `${b.bookNo}/${b.yearFrom}` : `${b.bookNo}/${b.yearFrom}-${b.yearTo}`;
}

/** Whitespace and Unicode normalisation applied to every cell before checks and comparisons. */
export function cleanText(s: string): string {
  // Fast path (most cells): no edge or repeated whitespace, no tab/newline, no combining mark.
  if (!NEEDS_CLEANING.test(s)) return s;
  return s.normalize('NFC').replace(/\s+/g, ' ').trim();
}
const NEEDS_CLEANING = /^\s|\s$|\s\s|[^\S ]|[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/;
