import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateFor } from '../../domain/excel';
import { book } from '../support/fixtures';
import { writeHostileXlsx } from './make/xlsx';
import { inChild, MAX_RSS_MB, record } from './rss';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-hostile-excel-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Validation = { ok: boolean; problemsByCode: Record<string, number>; sample: Array<{ code: string; messageVi: string }> };

describe("a book's Excel transcription (validateExcel, on the worker) against workbooks made to exhaust the reader", () => {
  const b = book({ agencyCode: '502', bookNo: '07' });
  const header = templateFor(b.type).columns.map((c) => c.key);

  it('the 11 MB workbook of 4 million long shared strings goes back to the clerk as too large, under 300 MB, without retrying', async () => {
    const file = join(dir, 'bom.xlsx');
    await writeHostileXlsx(file, { header, rows: 3, cells: header.length, sharedStrings: 4_000_000, stringChars: 100 });
    const run = await inChild({ kind: 'excel', file, name: 'so-ho-tich.xlsx', root: join(dir, 'store-a'), book: b });
    await record('Excel transcription: 4M long shared strings (12 MB xlsx)', run);
    expect(run.result, run.stderr).toMatchObject({ ok: true });
    const v = (run.result as { value: Validation }).value;
    expect(v.ok).toBe(false);
    expect(v.problemsByCode).toEqual({ tooLarge: 1 });
    expect(v.sample[0]!.messageVi).toMatch(/so-ho-tich\.xlsx.*SOHOA_MAX_XLSX_INFLATED_MB/);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('a row with more cells than allowed is named by its row', async () => {
    const file = join(dir, 'wide.xlsx');
    await writeHostileXlsx(file, { header, rows: 3, cells: 300 });
    const run = await inChild({ kind: 'excel', file, name: 'rong.xlsx', root: join(dir, 'store-b'), book: b });
    const v = (run.result as { value: Validation }).value;
    expect(v.problemsByCode).toEqual({ tooLarge: 1 });
    expect(v.sample[0]!.messageVi).toMatch(/rong\.xlsx: dòng \d+: có hơn 256 ô.*SOHOA_MAX_ROW_CELLS/);
  });
});
