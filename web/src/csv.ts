import { csvLine } from '../../contracts/v1/cells';
import { saveBlob } from './api';

/**
 * RFC 4180 CSV with a UTF-8 BOM, so Excel opens Vietnamese text correctly; text that a spreadsheet
 * would run as a formula (a title, a reason someone typed) is neutralised, numbers stay numbers.
 */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  return '\uFEFF' + [header, ...rows].map(csvLine).join('');
}

export function saveCsv(name: string, header: string[], rows: (string | number | null | undefined)[][]): void {
  saveBlob(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }), name);
}
