import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import { cleanText, dateToVi, GUIDE_SHEET_NAME } from '../../domain/excel';

/** Text of a cell value as read by exceljs: strings cleaned, dates as `dd.mm.yyyy`, formulas by result. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return cleanText(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : dateToVi(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return cleanText(o.richText.map((r: { text?: string }) => r.text ?? '').join(''));
    if ('result' in o) return cellText(o.result);
    if ('formula' in o || 'sharedFormula' in o) return '';
    if (typeof o.text === 'string') return cleanText(o.text);
    if ('error' in o) return String(o.error);
  }
  return cleanText(String(v));
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

/**
 * Reads the first sheet that is not the guide sheet, streaming (exceljs WorkbookReader), calling
 * `onRow` with the 1-based row number and the cells' text (`cells[0]` = column A; the array is
 * reused, copy what you keep). `onRow` returning
 * `false` stops the reading. Errors of the source stream (the store) are rethrown as they are, so
 * the activity retries; a file that is not a workbook is reported in the outcome, not thrown.
 */
export async function readDataSheet(
  source: Readable,
  onSheet: (name: string) => void,
  onRow: (row: number, cells: string[]) => boolean | void | Promise<boolean | void>,
): Promise<ReadOutcome> {
  let sourceError: Error | undefined;
  let head: Buffer | undefined;
  const sniffer = new PassThrough();
  source.on('data', (chunk: Buffer) => {
    if (!head) head = chunk.subarray(0, 4);
  });
  source.on('error', (e) => {
    // End (not destroy) the parser's input: a destroyed input would leave the unzip parser waiting.
    sourceError = e;
    source.unpipe(sniffer);
    sniffer.end();
  });
  source.pipe(sniffer);

  const outcome: ReadOutcome = { notZip: false, sheets: [] };
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(sniffer, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles tell date cells from numbers (a clerk may type a real Excel date).
    styles: 'cache',
    entries: 'ignore',
  });
  try {
    sheets: for await (const ws of reader) {
      const name = (ws as unknown as { name: string }).name;
      outcome.sheets.push(name);
      if (outcome.sheet !== undefined || name === GUIDE_SHEET_NAME) {
        // Drain a skipped sheet: exceljs deletes a spooled sheet's temp file as soon as the next
        // sheet is asked for, and a read stream still opening on it then fails with ENOENT, uncaught.
        for await (const _row of ws) void _row;
        continue;
      }
      outcome.sheet = name;
      onSheet(name);
      // One array reused for every row: onRow must copy what it keeps.
      const cells: string[] = [];
      for await (const row of ws) {
        const values = row.values as unknown[];
        cells.length = Math.max(0, values.length - 1);
        for (let i = 1; i < values.length; i++) cells[i - 1] = cellText(values[i]);
        let r = onRow(row.number, cells);
        if (r instanceof Promise) r = await r;
        if (r === false) break sheets;
      }
    }
  } catch (e) {
    if (sourceError) throw sourceError;
    outcome.parseError = e instanceof Error ? e.message : String(e);
  } finally {
    source.unpipe(sniffer);
    source.destroy();
    sniffer.destroy();
  }
  if (sourceError) throw sourceError;
  outcome.notZip = !head || head.length < 4 || head.readUInt32LE(0) !== 0x04034b50;
  return outcome;
}
