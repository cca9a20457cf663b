import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book as makeBook } from '../support/fixtures';
import { caseName, casePdf } from '../scans/delivery';
import { makeZip } from './make/zip';
import { inChild, MAX_RSS_MB, record } from './rss';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-hostile-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GB = 1 << 30;
const MB = 1 << 20;
const book = makeBook({ bookNo: '41', expectedCases: 1 });
const errorOf = (r: unknown) => (r as { error: { type: string; message: string; problems: string[] } }).error;

/** Every file the store holds (temp files included), relative to its root. */
async function storeFiles(root: string): Promise<string[]> {
  const all = (await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])) as Array<{ isFile(): boolean; parentPath: string; name: string }>;
  return all.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

describe('zip bombs in a contractor delivery (PUT /api/registers/:id/scans)', () => {
  it('entries the intake ignores count too: 3 GB of __MACOSX, .txt and .tif from 3 MB is refused before inflating (413)', async () => {
    const file = join(dir, 'bo-qua.zip');
    const zip = makeZip([
      { name: '__MACOSX/._giao.pdf', zeros: GB },
      { name: 'ghi-chu.txt', zeros: GB },
      { name: 'trang.tif', zeros: GB },
      { name: caseName(book, 1), data: await casePdf(1, 1) },
    ]);
    expect(zip.length).toBeLessThan(4 * MB);
    await writeFile(file, zip);
    const root = join(dir, 'store-a');
    const run = await inChild({ kind: 'intake', file, name: 'bo-qua.zip', root, book, maxBytes: 2048 * MB });
    await record('intake: 3 GB of ignored entries from 3 MB', run);
    expect(run.result, run.stderr).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge' } });
    expect(errorOf(run.result).problems).toEqual(['bo-qua.zip: các tệp trong zip bung ra 3072 MB, vượt giới hạn 2048 MB của lần tải lên (SOHOA_MAX_UPLOAD_MB)']);
    expect(run.ms).toBeLessThan(15_000);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
    expect(await storeFiles(root)).toEqual([]);
  });

  it('a bomb with a valid name is refused before a byte of it reaches the store, and nothing is left', async () => {
    const file = join(dir, 'bom.zip');
    await writeFile(file, makeZip([{ name: caseName(book, 1), zeros: 2 * GB }]));
    const root = join(dir, 'store-b');
    const run = await inChild({ kind: 'intake', file, name: 'bom.zip', root, book, maxBytes: 256 * MB });
    await record('intake: 2 GB bomb with a valid name (256 MB budget)', run);
    expect(run.result).toMatchObject({ ok: false, error: { type: 'PayloadTooLarge' } });
    expect(errorOf(run.result).problems[0]).toMatch(/bung ra 2048 MB, vượt giới hạn 256 MB của lần tải lên/);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
    // Not even a temp file: the store never received the entry.
    expect(await storeFiles(root)).toEqual([]);
  });

  it('an entry that lies about its size stops inflating where it said it would end, and nothing is kept', async () => {
    const file = join(dir, 'noi-doi.zip');
    await writeFile(file, makeZip([{ name: caseName(book, 1), zeros: GB, declared: 4 * MB }]));
    const root = join(dir, 'store-e');
    const run = await inChild({ kind: 'intake', file, name: 'noi-doi.zip', root, book, maxBytes: 256 * MB, limits: { SOHOA_MAX_ZIP_RATIO: 1_000_000 } });
    expect(run.result).toMatchObject({ ok: false, error: { type: 'InvalidDelivery' } });
    expect(errorOf(run.result).problems).toEqual([expect.stringMatching(/^noi-doi\.zip: tệp zip hỏng \(too many bytes in the stream/)]);
    expect(run.ms).toBeLessThan(15_000);
    expect(await storeFiles(root)).toEqual([]);
  });

  it('an entry that inflates far more than a scan does is refused by its ratio, even within the budget (400)', async () => {
    const file = join(dir, 'ti-le.zip');
    await writeFile(file, makeZip([{ name: caseName(book, 1), zeros: 64 * MB }]));
    const root = join(dir, 'store-c');
    const run = await inChild({ kind: 'intake', file, name: 'ti-le.zip', root, book, maxBytes: 2048 * MB });
    expect(run.result).toMatchObject({ ok: false, error: { type: 'InvalidDelivery' } });
    expect(errorOf(run.result).problems).toEqual([expect.stringMatching(new RegExp(`ti-le.zip/${caseName(book, 1).replace(/\./g, '\\.')}: nén bất thường \\(bung ra gấp \\d+ lần\\), tối đa 100 lần \\(SOHOA_MAX_ZIP_RATIO\\)`))]);
    expect(await storeFiles(root)).toEqual([]);
  });

  it('a zip of more entries than allowed is refused from its directory', async () => {
    const file = join(dir, 'nhieu.zip');
    await writeFile(file, makeZip(Array.from({ length: 30 }, (_, i) => ({ name: `__MACOSX/${i}`, data: Buffer.alloc(0) }))));
    const run = await inChild({ kind: 'intake', file, name: 'nhieu.zip', root: join(dir, 'store-d'), book, maxBytes: 2048 * MB, limits: { SOHOA_MAX_ZIP_ENTRIES: 20 } });
    expect(errorOf(run.result).problems).toEqual(['nhieu.zip: có 30 tệp, vượt giới hạn 20 tệp (SOHOA_MAX_ZIP_ENTRIES)']);
  });
});
