import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHostileXlsx } from './make/xlsx';
import { inChild, MAX_RSS_MB, record } from './rss';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-hostile-inv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = ['agencyCode', 'type', 'bookNo', 'yearFrom', ...Array.from({ length: 36 }, (_, i) => `cot${i + 5}`)];

describe('inventory import (POST /api/registers/import, read on the worker) against files made to exhaust it', () => {
  it('a workbook of 60,000 rows × 40 cells is read as a stream and refused at the first row over the limit, under 300 MB', async () => {
    // Scaled down from the 31 MB, 360,000-row attack (same shape): parsed whole, as before, it takes gigabytes.
    const file = join(dir, 'danh-muc.xlsx');
    await writeHostileXlsx(file, { header: HEADER, rows: 60_000, cells: 40 });
    const run = await inChild({ kind: 'inventory', file, name: 'danh-muc.xlsx' });
    await record('inventory: 60,000 rows × 40 cells xlsx', run);
    expect(run.result, run.stderr).toBeDefined();
    expect(run.result).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge', nonRetryable: true } });
    const { message } = (run.result as { error: { message: string } }).error;
    expect(message).toContain('dòng 50002');
    expect(message).toContain('SOHOA_MAX_INVENTORY_ROWS');
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('a CSV over the row limit is refused at that row (413), without reading the rest', async () => {
    const file = join(dir, 'danh-muc.csv');
    const rows = Array.from({ length: 60_000 }, (_, i) => `20335,KS,${i},2017`);
    await writeFile(file, ['agencyCode,type,bookNo,yearFrom', ...rows].join('\n'));
    const run = await inChild({ kind: 'inventory', file, name: 'danh-muc.csv' });
    await record('inventory: 60,000-row CSV', run);
    expect(run.result).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge', nonRetryable: true } });
    expect((run.result as { error: { message: string } }).error.message).toMatch(/dòng 50002.*SOHOA_MAX_INVENTORY_ROWS/);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('a cell longer than the cell limit, and a row with more cells than allowed, are refused naming the row and the limit', async () => {
    const long = join(dir, 'dai.csv');
    await writeFile(long, `agencyCode,type,bookNo,yearFrom,note\n20335,KS,01,2017,ok\n20335,KS,02,2017,"${'x'.repeat(40_000)}"\n`);
    const a = await inChild({ kind: 'inventory', file: long, name: 'dai.csv' });
    expect(a.result).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge', nonRetryable: true } });
    expect((a.result as { error: { message: string } }).error.message).toMatch(/dòng 3: ô dài hơn 32767 ký tự.*SOHOA_MAX_CELL_CHARS/);

    const wide = join(dir, 'rong.xlsx');
    await writeHostileXlsx(wide, { header: HEADER, rows: 3, cells: 300 });
    const b = await inChild({ kind: 'inventory', file: wide, name: 'rong.xlsx' });
    expect(b.result).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge', nonRetryable: true } });
    expect((b.result as { error: { message: string } }).error.message).toMatch(/dòng 2: có hơn 256 ô.*SOHOA_MAX_ROW_CELLS/);
  });
});
