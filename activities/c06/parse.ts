import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Limits } from '../../clients/config';
import type { C06Cell } from '../../domain/c06';
import { LimitExceeded } from '../limits';
import { readCsvRecords, type CsvLimits } from '../sheets/csv';
import { readXlsxRows, type XlsxLimits } from '../sheets/xlsx';

export type C06Format = 'xlsx' | 'csv';
export type C06Limits = XlsxLimits & CsvLimits & Pick<Limits, 'SOHOA_MAX_C06_ROWS'>;

/** One data row of a batch: every header key (upper case) → its cell, '' when blank. */
export interface C06RawRow {
  /** Spreadsheet row / CSV record number; the header is 1. */
  row: number;
  values: Record<string, C06Cell>;
}

function toRow(header: string[], cells: ReadonlyArray<C06Cell | undefined>, row: number): C06RawRow | undefined {
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

/** The sheet's rows: an xlsx is spooled to a temp file first (a zip is read from its end). */
async function* records(stream: Readable, format: C06Format, limits: C06Limits, fileName: string): AsyncGenerator<{ row: number; cells: ReadonlyArray<C06Cell | undefined> }> {
  if (format === 'csv') {
    let n = 0;
    for await (const r of readCsvRecords(stream, limits, fileName)) yield { row: ++n, cells: r.fields };
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-c06-'));
  try {
    const path = join(dir, 'batch.xlsx');
    await pipeline(stream, createWriteStream(path));
    yield* readXlsxRows({ path }, limits, fileName);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads a C06 batch streaming: the first sheet of an xlsx (dates as dates where the cell's format
 * shows a date) or a CSV (`,` `;` or tab). Row 1 is the header (keys upper-cased and trimmed);
 * blank rows are skipped. Memory holds one row at a time and the workbook's shared strings, all
 * bounded by `limits` (LimitExceeded past one).
 */
export async function* parseC06Batch(stream: Readable, format: C06Format, limits: C06Limits, fileName: string): AsyncGenerator<C06RawRow> {
  let header: string[] | undefined;
  let rows = 0;
  for await (const r of records(stream, format, limits, fileName)) {
    if (!header) {
      header = Array.from(r.cells, (v) => String(v ?? '').trim().toUpperCase());
      continue;
    }
    const row = toRow(header, r.cells, r.row);
    if (!row) continue;
    if (++rows > limits.SOHOA_MAX_C06_ROWS) throw new LimitExceeded('SOHOA_MAX_C06_ROWS', `tệp ${fileName}: dòng ${r.row}: lô có hơn ${limits.SOHOA_MAX_C06_ROWS} dòng dữ liệu`);
    yield row;
  }
}
