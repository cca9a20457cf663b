import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHostileXlsx } from './make/xlsx';
import { inChild, MAX_RSS_MB, record } from './rss';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-hostile-c06-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = ['SOQUYEN', 'HOTEN'];
const messageOf = (r: unknown) => (r as { error: { message: string } }).error.message;

describe('C06 batches (POST /api/c06/batches) against workbooks made to exhaust the reader', () => {
  it('the 11 MB workbook of 4 million long shared strings is refused before its strings are read, under 300 MB', async () => {
    const file = join(dir, 'c06-bom.xlsx');
    await writeHostileXlsx(file, { header: HEADER, rows: 3, cells: 2, sharedStrings: 4_000_000, stringChars: 100 });
    const root = join(dir, 'store-a');
    const run = await inChild({ kind: 'c06', file, name: 'c06-bom.xlsx', root });
    await record('C06: 4M long shared strings (12 MB xlsx)', run);
    expect(run.result, run.stderr).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge', nonRetryable: true } });
    expect(messageOf(run.result)).toContain('SOHOA_MAX_XLSX_INFLATED_MB');
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
    // A refused batch is not kept in the store.
    expect(await readdir(join(root, 'c06', 'batches'), { recursive: true }).catch(() => [])).toEqual(expect.not.arrayContaining([expect.stringMatching(/source\.xlsx$/)]));
  });

  it('shared strings within the size limit are still bounded: too many characters, too many strings, one too long', async () => {
    const chars = join(dir, 'c06-chars.xlsx');
    await writeHostileXlsx(chars, { header: HEADER, rows: 3, cells: 2, sharedStrings: 400_000, stringChars: 60 });
    const a = await inChild({ kind: 'c06', file: chars, name: 'c06-chars.xlsx', root: join(dir, 'store-b') });
    await record('C06: 400k shared strings of 60 chars', a);
    expect(a.result).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge' } });
    expect(messageOf(a.result)).toMatch(/dài hơn 20000000 ký tự cộng lại.*SOHOA_MAX_SHARED_STRINGS_CHARS/);
    expect(a.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);

    const count = join(dir, 'c06-count.xlsx');
    await writeHostileXlsx(count, { header: HEADER, rows: 3, cells: 2, sharedStrings: 1001, stringChars: 2 });
    const b = await inChild({ kind: 'c06', file: count, name: 'c06-count.xlsx', root: join(dir, 'store-c'), limits: { SOHOA_MAX_SHARED_STRINGS: 1000 } });
    expect(messageOf(b.result)).toMatch(/hơn 1000 chuỗi dùng chung.*SOHOA_MAX_SHARED_STRINGS\)/);

    const one = join(dir, 'c06-one.xlsx');
    await writeHostileXlsx(one, { header: HEADER, rows: 3, cells: 2, sharedStrings: 3, stringChars: 40_000 });
    const c = await inChild({ kind: 'c06', file: one, name: 'c06-one.xlsx', root: join(dir, 'store-d') });
    expect(c.result).toMatchObject({ ok: false });
    expect(messageOf(c.result)).toMatch(/chuỗi dùng chung thứ 1 dài hơn 32767 ký tự.*SOHOA_MAX_CELL_CHARS/);
  });

  it('a CSV batch over the row limit is refused at that row', async () => {
    const file = join(dir, 'c06.csv');
    await writeFile(file, ['SOQUYEN,HOTEN', ...Array.from({ length: 30 }, (_, i) => `01/2017,Nguyen Van ${i}`)].join('\n'));
    const run = await inChild({ kind: 'c06', file, name: 'c06.csv', root: join(dir, 'store-e'), limits: { SOHOA_MAX_C06_ROWS: 20 } });
    expect(run.result).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge', nonRetryable: true } });
    expect(messageOf(run.result)).toMatch(/dòng 22: lô có hơn 20 dòng dữ liệu.*SOHOA_MAX_C06_ROWS/);
  });
});
