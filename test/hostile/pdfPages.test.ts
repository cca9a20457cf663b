import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeScans, type IntakeFile } from '../../activities/scans/intake';
import { createScanActivities } from '../../activities/scans/packageScans';
import { DEFAULT_LIMITS } from '../../clients/config';
import { FsStore } from '../../clients/storage/fs';
import type { ArtifactStore } from '../../clients/storage/types';
import type { Book } from '../../domain/book';
import { book as makeBook } from '../support/fixtures';
import { caseName, imageDelivery } from '../scans/delivery';
import { blankPdf, objectStreamBomb, pageTreeBomb, rawPdf } from './make/pdf';
import { inChild, MAX_RSS_MB, record } from './rss';
import type { Job } from './child';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sohoa-hostile-pdf-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let seq = 0;
/** Delivers the files to a fresh store and runs packageScans on them in a child process. */
async function packaged(book: Book, files: IntakeFile[], limits?: Job['limits']) {
  const storeRoot = join(root, `s${++seq}`);
  const up = await intakeScans(new FsStore(storeRoot), { book, files });
  return inChild({ kind: 'package', root: storeRoot, book, uploadPrefix: up.uploadPrefix, ...(limits ? { limits } : {}) });
}
const problemsOf = (r: unknown) => (r as { error: { problems: string[] } }).error.problems;

describe('PDFs made to exhaust whoever opens them', () => {
  it('a page tree declaring 100 million pages in under a kilobyte is refused at once, under 300 MB', async () => {
    const book = makeBook({ bookNo: '51', expectedCases: 1 });
    const bomb = pageTreeBomb();
    expect(bomb.length).toBeLessThan(4096);
    const run = await packaged(book, [{ name: caseName(book, 1), body: bomb }]);
    await record('pdf: page tree of 10^8 pages (shared kids)', run);
    expect(run.result, run.stderr).toMatchObject({ ok: false, error: { type: 'ScansInvalid', nonRetryable: true } });
    expect(problemsOf(run.result)).toEqual([`${caseName(book, 1)}: cây trang của PDF hỏng (một trang hay nhánh xuất hiện nhiều lần)`]);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('an object stream that inflates to 1 GB from 1 MB is stopped at the PDF size limit, under 300 MB', async () => {
    const book = makeBook({ bookNo: '52', expectedCases: 1 });
    const run = await packaged(book, [{ name: caseName(book, 1), body: objectStreamBomb(1024) }]);
    await record('pdf: object stream inflating to 1 GB (1 MB file)', run);
    expect(problemsOf(run.result)).toEqual([`${caseName(book, 1)}: PDF có một luồng dữ liệu bung ra hơn 25 MB (SOHOA_MAX_PDF_MB)`]);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
  });

  it('a PDF of more objects than allowed is refused while it is parsed', async () => {
    const book = makeBook({ bookNo: '53', expectedCases: 1 });
    const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
    const run = await packaged(book, [{ name: caseName(book, 1), body: rawPdf([...objects, ...Array<string>(150_000).fill('null')]) }]);
    await record('pdf: 150,000 objects', run);
    expect(problemsOf(run.result)).toEqual([`${caseName(book, 1)}: PDF có hơn 100000 đối tượng (SOHOA_MAX_PDF_OBJECTS)`]);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
  });
});

describe('pages per PDF and per delivery, counted before the work', () => {
  it('a PDF over the page limit is named; delivered PDFs past the delivery limit stop the check there', async () => {
    const book = makeBook({ bookNo: '54', expectedCases: 3 });
    const files = [{ name: caseName(book, 1), body: await blankPdf(25) }, ...(await Promise.all([2, 3].map(async (n) => ({ name: caseName(book, n), body: await blankPdf(12) }))))];
    const run = await packaged(book, files, { SOHOA_MAX_PDF_PAGES: 20, SOHOA_MAX_DELIVERY_PAGES: 20 });
    expect(run.result).toMatchObject({ ok: false, error: { type: 'ScansInvalid', nonRetryable: true } });
    expect(problemsOf(run.result)).toEqual([
      `${caseName(book, 1)}: PDF có hơn 20 trang, vượt giới hạn mỗi tệp (SOHOA_MAX_PDF_PAGES)`,
      'lần giao có hơn 20 trang (đã đếm 24 khi dừng), vượt giới hạn mỗi lần giao (SOHOA_MAX_DELIVERY_PAGES)',
    ]);
  });

  it('page images over the limits are refused from the listing, before a single file is read', async () => {
    const book = makeBook({ bookNo: '55', expectedCases: 3 });
    const base = new FsStore(join(root, `s${++seq}`));
    const up = await intakeScans(base, { book, files: imageDelivery(book, 3, 12, 100_000) });
    let reads = 0;
    const store = new Proxy(base, {
      get(target, prop, receiver) {
        if (prop === 'getBuffer' || prop === 'get') reads++;
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as ArtifactStore;
    const limits = { ...DEFAULT_LIMITS, SOHOA_MAX_PDF_PAGES: 10, SOHOA_MAX_DELIVERY_PAGES: 30, SOHOA_MAX_PDF_MB: 1 };
    const err = await createScanActivities({ store, limits, heartbeat: () => undefined })
      .packageScans({ book, uploadPrefix: up.uploadPrefix })
      .catch((e: unknown) => e as { nonRetryable: boolean; details: [{ problems: string[] }] });
    expect(reads).toBe(0);
    expect((err as { nonRetryable: boolean }).nonRetryable).toBe(true);
    const problems = (err as { details: [{ problems: string[] }] }).details[0].problems;
    expect(problems).toContain(`${caseName(book, 1).replace(/\.pdf$/, '')}/: 12 ảnh trang, vượt giới hạn 10 trang mỗi hồ sơ (SOHOA_MAX_PDF_PAGES)`);
    expect(problems).toContain('lần giao có 36 ảnh trang, vượt giới hạn 30 trang mỗi lần giao (SOHOA_MAX_DELIVERY_PAGES)');
    expect(problems.some((p) => /các ảnh trang cộng lại nặng \d+ MB, vượt giới hạn 1 MB mỗi hồ sơ \(SOHOA_MAX_PDF_MB\)/.test(p))).toBe(true);
  });
});
