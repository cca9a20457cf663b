import ExcelJS from 'exceljs';
import type { Readable } from 'node:stream';
import type { C06Cell } from '../../domain/c06';
import { readCsvRecords } from './csv';

export type C06Format = 'xlsx' | 'csv';

/** One data row of a batch: every header key (upper case) → its cell, '' when blank. */
export interface C06RawRow {
  /** Spreadsheet row / CSV record number; the header is 1. */
  row: number;
  values: Record<string, C06Cell>;
}

/** exceljs cell values (rich text, formulas, hyperlinks, errors) → a plain cell. */
function plain(v: ExcelJS.CellValue): C06Cell {
  if (v === null || v === undefined) return '';
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return plain((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('text' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ('error' in v) return '';
  }
  return String(v);
}

function toRow(header: string[], cells: C06Cell[], row: number): C06RawRow | undefined {
  const values: Record<string, C06Cell> = {};
  let any = false;
  header.forEach((h, i) => {
    if (h === '') return;
    const c = cells[i] ?? '';
    if (!(c === '' || (typeof c === 'string' && c.trim() === ''))) any = true;
    values[h] = c;
  });
  return any ? { row, values } : undefined;
}

/**
 * Reads a C06 batch streaming: the first sheet of an xlsx (exceljs WorkbookReader: shared strings
 * and styles cached so date cells come as dates) or a CSV (`,` `;` or tab). Row 1 is the header
 * (keys upper-cased and trimmed); blank rows are skipped. Memory holds one row at a time.
 */
export async function* parseC06Batch(stream: Readable, format: C06Format): AsyncGenerator<C06RawRow> {
  if (format === 'csv') {
    let header: string[] | undefined;
    let n = 0;
    for await (const rec of readCsvRecords(stream)) {
      n++;
      if (!header) {
        header = rec.fields.map((f) => f.trim().toUpperCase());
        continue;
      }
      const r = toRow(header, rec.fields, n);
      if (r) yield r;
    }
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  let sheets = 0;
  for await (const ws of reader) {
    if (sheets++ > 0) {
      for await (const _ of ws as AsyncIterable<ExcelJS.Row>) void _; // the data is on the first sheet; drain the rest
      continue;
    }
    let header: string[] | undefined;
    for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
      const vals = (row.values as ExcelJS.CellValue[]).slice(1).map(plain);
      if (!header) {
        header = vals.map((v) => String(v ?? '').trim().toUpperCase());
        continue;
      }
      const r = toRow(header, vals, row.number);
      if (r) yield r;
    }
  }
}
