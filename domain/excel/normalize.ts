import type { ColumnSpec } from './columns';
import { cleanText, parseDateVi } from './values';

/** Loose date shapes a transcriber may type: d.m.yyyy, dd/mm/yyyy, dd-mm-yyyy. */
const LOOSE_DATE = /^(?:(?:(\d{1,2})[./-])?(\d{1,2})[./-])?(\d{4})$/;

function normalizeDate(s: string): string {
  const m = LOOSE_DATE.exec(s);
  if (!m) return s;
  const [, d, mo, y] = m;
  const canon = [d, mo].filter((x): x is string => x !== undefined).map((x) => x.padStart(2, '0')).concat(y!).join('.');
  const p = parseDateVi(canon);
  return p.ok ? p.iso : s;
}

/**
 * The comparable form of a cell for double entry: NFC, trimmed, spaces collapsed; dates as ISO;
 * numbers and codes without leading zeros (`05` = `5`); text case-insensitive (`NGUYỄN` = `Nguyễn`).
 */
export function normalizeForCompare(col: Pick<ColumnSpec, 'key' | 'kind'> | undefined, raw: string): string {
  const s = cleanText(raw);
  if (s === '') return '';
  switch (col?.kind) {
    case 'date':
      return normalizeDate(s);
    case 'int':
    case 'code':
      return /^\d+$/.test(s) ? String(Number(s)) : s;
    default:
      if (col?.key === 'so' || col?.key === 'quyenSo') return s.replace(/^0+(?=\d)/, '').replace(/\/0+(?=\d)/, '/');
      return s.toLocaleLowerCase('vi');
  }
}
