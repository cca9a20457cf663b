import { neutraliseCell } from '../../contracts/v1/cells';
import { saveBlob } from './api';

/**
 * RFC 4180 CSV with a UTF-8 BOM, so Excel opens Vietnamese text correctly; text that a spreadsheet
 * would run as a formula (a title, a reason someone typed) is neutralised, numbers stay numbers.
 */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cell = (v: string | number | null | undefined) => {
    const s = v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : neutraliseCell(v);
    return /[",\r\n;]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\uFEFF' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function saveCsv(name: string, header: string[], rows: (string | number | null | undefined)[][]): void {
  saveBlob(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }), name);
}
