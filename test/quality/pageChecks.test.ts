import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qualityKeys } from '../../activities/quality/keys';
import { intakeScans } from '../../activities/scans/intake';
import { createScanActivities } from '../../activities/scans/packageScans';
import { manifestSchema, SCANS_INVALID } from '../../activities/scans/types';
import type { QualitySettings } from '../../clients/config';
import { FsStore } from '../../clients/storage/fs';
import { artifactKeys } from '../../domain/naming';
import { book as makeBook } from '../support/fixtures';
import { blankPage, fieldsOf, makePage } from '../support/pages';
import { caseName, run, stem } from '../scans/delivery';

const settings: QualitySettings = { checks: true, minDpi: 200, maxSkewDeg: 3, duplicateDifference: 0.008, blocking: ['lowResolution', 'blank', 'duplicate'], ocr: undefined, concurrency: 2 };

describe('page checks while packaging', () => {
  it('names every bad page: blocking ones send the delivery back, the others warn the reviewer, OCR text lands beside the package', async () => {
    const store = new FsStore(await mkdtemp(join(tmpdir(), 'sohoa-quality-')));
    const book = makeBook({ bookNo: '16', yearFrom: 2016, yearTo: 2016, expectedCases: 7 });
    const page = (n: number, p: number, body: Buffer) => ({ name: `${stem(caseName(book, n))}/${String(p).padStart(3, '0')}.jpg`, body });
    const good = await makePage({ seed: 1 });
    const files = [
      page(1, 1, good),
      page(1, 2, await makePage({ seed: 2, style: 'hand' })),
      page(2, 1, await blankPage()),
      page(2, 2, await makePage({ seed: 3 })),
      page(3, 1, await makePage({ seed: 4, rotate: 90 })),
      page(4, 1, await makePage({ seed: 5, dpi: 100 })),
      page(5, 1, await makePage({ seed: 1, quality: 60 })), // case 1's first page again, saved once more
      page(6, 1, await makePage({ seed: 6, tone: 'dark' })),
      page(6, 2, await makePage({ seed: 8, tone: 'faded' })),
      page(7, 1, await makePage({ seed: 7, rotate: 6 })),
    ];
    const up = await intakeScans(store, { book, uploadId: 'u1', files });
    const err = await createScanActivities({ store, quality: settings })
      .packageScans({ book, uploadPrefix: up.uploadPrefix })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(SCANS_INVALID);
    const problems = ((err as ApplicationFailure).details![0] as { problems: string[] }).problems;
    expect(problems).toEqual([
      `${caseName(book, 2)} trang 1: trang trắng (không thấy chữ hay nét nào)`,
      `${caseName(book, 4)} trang 1: độ phân giải 100 dpi, thấp hơn mức tối thiểu 200 dpi`,
      `${caseName(book, 5)} trang 1: trùng với ${caseName(book, 1)} trang 1 (cùng một trang được quét hai lần)`,
    ]);
    expect(await store.head(artifactKeys(book).zip)).toBeUndefined();

    // The contractor fixes the three pages; the rest only warn, and OCR is on.
    const fixed = [...files];
    fixed[2] = page(2, 1, await makePage({ seed: 9 }));
    fixed[5] = page(4, 1, await makePage({ seed: 5 }));
    fixed[6] = page(5, 1, await makePage({ seed: 10 }));
    const up2 = await intakeScans(store, { book, uploadId: 'u2', files: fixed });
    const withOcr = { ...settings, ocr: { lang: 'vie' } };
    const r = await createScanActivities({ store, quality: withOcr }).packageScans({ book, uploadPrefix: up2.uploadPrefix });
    expect(r.warnings).toEqual([
      `${caseName(book, 3)} trang 1: trang bị xoay 90° (cần xoay 270° theo chiều kim đồng hồ để đọc)`,
      expect.stringMatching(new RegExp(`^${caseName(book, 6)} trang 1: trang quá tối \\(nền giấy ở mức sáng \\d+/255\\)$`)),
      expect.stringMatching(new RegExp(`^${caseName(book, 6)} trang 2: trang quá nhạt, chữ mờ`)),
      expect.stringMatching(new RegExp(`^${caseName(book, 7)} trang 1: trang bị nghiêng khoảng [5-7](\\.5)?°$`)),
    ]);
    const manifest = manifestSchema.parse(JSON.parse((await store.getBuffer(r.manifest.key)).toString()));
    expect(manifest.quality).toMatchObject({ findings: 4, blocking: 0 });
    const ocr = JSON.parse((await store.getBuffer(qualityKeys(book).ocr)).toString()) as { pages: { case: string; page: number; text: string; confidence: number }[] };
    expect(ocr.pages).toHaveLength(10);
    const printed = ocr.pages.find((p) => p.case === caseName(book, 1) && p.page === 1)!;
    expect(printed.text).toContain(fieldsOf(1).name);
    expect(printed.text).toContain('GIẤY KHAI SINH');
    expect(printed.confidence).toBeGreaterThan(80);
    // The case's PDF is searchable: its text layer reads back with poppler's pdftotext, and qpdf finds it sound.
    const pdf = join(await mkdtemp(join(tmpdir(), 'sohoa-quality-pdf-')), 'case1.pdf');
    await writeFile(pdf, await store.getBuffer(`${artifactKeys(book).pdfs}/${caseName(book, 1)}`));
    expect((await run('pdftotext', [pdf, '-'])).stdout.normalize('NFC')).toContain(fieldsOf(1).name);
    expect((await run('qpdf', ['--check', pdf])).stdout).toContain('No syntax or stream encoding errors');

    // Same delivery, same settings: a retry finds the package done; made again from scratch, the same
    // bytes (the manifest holds the checksums of the zip, the report and the text).
    const again = await createScanActivities({ store, quality: withOcr }).packageScans({ book, uploadPrefix: up2.uploadPrefix });
    expect(again).toEqual(r);
    await store.delete(r.manifest.key);
    const remade = await createScanActivities({ store, quality: withOcr }).packageScans({ book, uploadPrefix: up2.uploadPrefix });
    expect(remade).toEqual(r);
  }, 120_000);
});
