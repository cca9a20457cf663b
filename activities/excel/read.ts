import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_LIMITS } from '../../clients/config';
import { cleanText, dateToVi, GUIDE_SHEET_NAME } from '../../domain/excel';
import { LimitExceeded } from '../limits';
import type { SheetCell } from '../sheets/cells';
import { readSharedStrings } from '../sheets/sharedStrings';
import { readSheetRows } from '../sheets/sheet';
import { dateStyles, sheetsOf } from '../sheets/workbook';
import type { XlsxLimits } from '../sheets/xlsx';
import { WorkbookZip } from '../sheets/zip';

/** Text of a cell as a clerk sees it: strings cleaned, dates as `dd.mm.yyyy`, formulas by their result. */
export function cellText(v: SheetCell | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return cleanText(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return Number.isNaN(v.getTime()) ? '' : dateToVi(v);
}

/** Outcome of reading: what the file turned out to be. */
export interface ReadOutcome {
  /** The file did not start like a zip (xlsx) file. */
  notZip: boolean;
  /** The zip could not be parsed as a workbook; the parser's message. */
  parseError?: string;
  /** Name of the data sheet read, if any. */
  sheet?: string;
  sheets: string[];
}

export interface ReadOptions {
  limits?: XlsxLimits;
  /** The name the person knows the file by, for messages. */
  file?: string;
}

/**
 * Reads the first sheet that is not the guide sheet, one row at a time with the limits of
 * activities/sheets checked while reading (shared strings, cells, characters, unpacked bytes),
 * calling `onRow` with the 1-based row number and the cells' text (`cells[0]` = column A; the
 * array is reused, copy what you keep). `onRow` returning `false` stops the reading. The file is
 * spooled to a temp file first (a zip is read from its end). Errors of the source stream (the
 * store) are rethrown as they are, so the activity retries; a file over a limit throws
 * LimitExceeded; a file that is not a workbook is reported in the outcome, not thrown.
 */
export async function readDataSheet(
  source: Readable,
  onSheet: (name: string) => void,
  onRow: (row: number, cells: string[]) => boolean | void | Promise<boolean | void>,
  opts: ReadOptions = {},
): Promise<ReadOutcome> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const file = opts.file ?? 'tệp Excel';
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-xlsx-'));
  const path = join(dir, 'book.xlsx');
  try {
    await pipeline(source, createWriteStream(path));
    const head = Buffer.alloc(4);
    const fh = await open(path);
    const { bytesRead } = await fh.read(head, 0, 4, 0).finally(() => fh.close());
    if (bytesRead < 4 || head.readUInt32LE(0) !== 0x04034b50) return { notZip: true, sheets: [] };

    const outcome: ReadOutcome = { notZip: false, sheets: [] };
    let zip: WorkbookZip | undefined;
    try {
      zip = await WorkbookZip.open({ path }, limits.SOHOA_MAX_XLSX_INFLATED_MB, file);
      const { sheets, date1904 } = await sheetsOf(zip);
      outcome.sheets = sheets.map((s) => s.name);
      const data = sheets.find((s) => s.name !== GUIDE_SHEET_NAME);
      if (!data) return outcome;
      outcome.sheet = data.name;
      onSheet(data.name);
      const ctx = { dateStyles: await dateStyles(zip), strings: await readSharedStrings(zip, limits, file), date1904 };
      const cells: string[] = [];
      for await (const row of readSheetRows(zip, data.path, ctx, limits, file)) {
        cells.length = row.cells.length;
        for (let i = 0; i < row.cells.length; i++) cells[i] = cellText(row.cells[i]);
        let r = onRow(row.row, cells);
        if (r instanceof Promise) r = await r;
        if (r === false) break;
      }
    } catch (e) {
      if (e instanceof LimitExceeded) throw e;
      outcome.parseError = e instanceof Error ? e.message : String(e);
    } finally {
      zip?.close();
    }
    return outcome;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
