import type { Limits } from '../../clients/config';

/** A cell as read: text, number, boolean or date (a number in a date-formatted cell). */
export type SheetCell = string | number | boolean | Date;

/** One row: `cells[0]` is column A; blank cells are holes. */
export interface SheetRow {
  row: number;
  cells: SheetCell[];
}

/**
 * Bytes allowed between two `<` of a sheet's XML: a text at most the cell limit, written with
 * up to 8 bytes a character (`&#x1EC7;`); never less than a tag with its attributes needs.
 */
export const maxRunBytes = (limits: Pick<Limits, 'SOHOA_MAX_CELL_CHARS'>) => Math.max(64 * 1024, 8 * limits.SOHOA_MAX_CELL_CHARS);

/** Excel's last column, XFD. */
const MAX_COLUMN = 16_384;

/** `AB12` → 27 (1-based); undefined when the reference has no letters or is past XFD. */
export function columnOf(ref: string): number | undefined {
  let col = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    col = col * 26 + c - 64;
    if (col > MAX_COLUMN) return undefined;
  }
  return col || undefined;
}

/** An Excel serial day number as a date (UTC), in the 1900 or the 1904 date system. */
export function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}
