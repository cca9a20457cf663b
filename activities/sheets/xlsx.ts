import type { Limits } from '../../clients/config';
import type { SheetRow } from './cells';
import { readSharedStrings } from './sharedStrings';
import { readSheetRows } from './sheet';
import { dateStyles, firstSheet } from './workbook';
import { WorkbookZip, type ZipSource } from './zip';

export type XlsxLimits = Pick<Limits, 'SOHOA_MAX_ROW_CELLS' | 'SOHOA_MAX_CELL_CHARS' | 'SOHOA_MAX_SHARED_STRINGS' | 'SOHOA_MAX_SHARED_STRINGS_CHARS' | 'SOHOA_MAX_XLSX_INFLATED_MB'>;

/**
 * Streams the rows of an .xlsx's first sheet with every limit checked while reading: unpacked
 * bytes (declared sizes, before unpacking), shared strings (count, characters), cells per row,
 * characters per cell. Parts are read in the order that needs least memory whatever their order
 * in the zip: styles and shared strings, then the sheet, one row at a time. exceljs's
 * WorkbookReader cannot be bounded so: it keeps every shared string, builds a row whole, and
 * copies a sheet stored before its shared strings (as Excel stores it) to an unbounded temp file.
 * A file over a limit throws LimitExceeded; one that is not a workbook, an Error.
 */
export async function* readXlsxRows(src: ZipSource, limits: XlsxLimits, file: string): AsyncGenerator<SheetRow> {
  const zip = await WorkbookZip.open(src, limits.SOHOA_MAX_XLSX_INFLATED_MB, file);
  try {
    const sheet = await firstSheet(zip);
    const ctx = { dateStyles: await dateStyles(zip), strings: await readSharedStrings(zip, limits, file), date1904: sheet.date1904 };
    yield* readSheetRows(zip, sheet.path, ctx, limits, file);
  } finally {
    zip.close();
  }
}

export type { SheetCell, SheetRow } from './cells';
export type { ZipSource } from './zip';
