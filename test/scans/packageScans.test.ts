import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { intakeScans } from '../../activities/scans/intake';
import { createScanActivities, type PackageProgress } from '../../activities/scans/packageScans';
import { manifestSchema, SCANS_INVALID } from '../../activities/scans/types';
import type { ArtifactStore } from '../../clients/storage/types';
import { artifactKeys } from '../../domain/naming';
import { book as makeBook } from '../support/fixtures';
import { makeJpeg } from '../support/images';
import { caseName, casePdf, download, downloadKey, imageDelivery, minioAndTempDir, pdfDelivery, run, stem, storeMakers, zipOf } from './delivery';

const env = minioAndTempDir('sohoa-scans-');

/** Runs packageScans and returns the failure's problem list (or throws if it succeeded). */
async function problemsOf(p: Promise<unknown>): Promise<string[]> {
  const e = await p.then(
    () => {
      throw new Error('packageScans should have failed');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApplicationFailure);
  const f = e as ApplicationFailure;
  expect(f.nonRetryable).toBe(true);
  expect(f.type).toBe(SCANS_INVALID);
  const problems = (f.details?.[0] as { problems: string[] }).problems;
  for (const p of problems) expect(f.message).toContain(p); // the message itself lists them all
  return problems;
}

describe.each(storeMakers(() => env.root, () => env.minio))('packageScans (%s store)', (_kind, makeStore) => {
  let store: ArtifactStore;
  beforeAll(async () => {
    store = await makeStore();
  });

  it('packages a zip of page-image folders into per-case PDFs, a zip and a manifest that external tools verify', async () => {
    const book = makeBook({ bookNo: '01', yearFrom: 2017, yearTo: 2017, expectedCases: 7 });
    const delivery = await zipOf(imageDelivery(book, 7, 3), 'giao-nhan/');
    const up = await intakeScans(store, { book, uploadId: 'u1', files: [{ name: 'giao-nhan.zip', body: delivery }] });
    expect(up).toMatchObject({ uploadPrefix: `${artifactKeys(book).uploads}/u1`, files: 21 });

    const progress: PackageProgress[] = [];
    const { packageScans } = createScanActivities({ store, heartbeat: (p) => progress.push(p) });
    const r = await packageScans({ book, uploadPrefix: up.uploadPrefix });
    const keys = artifactKeys(book);
    expect(r).toMatchObject({ pdfs: 7, pages: 21, files: 21, zip: { key: keys.zip }, manifest: { key: keys.manifest }, checksums: { key: keys.checksums } });
    expect(progress.at(-1)).toMatchObject({ phase: 'write', filesDone: 21, files: 21 });

    // Every PDF passes qpdf, the zip passes unzip -t, the checksums pass sha256sum -c.
    const dir = await download(store, keys.pdfs);
    const pdfs = (await readdir(dir)).sort();
    expect(pdfs).toEqual(Array.from({ length: 7 }, (_, i) => caseName(book, i + 1)));
    for (const f of pdfs) {
      const { stdout } = await run('qpdf', ['--check', join(dir, f)]);
      expect(stdout).toContain('No syntax or stream encoding errors');
      const { stdout: n } = await run('qpdf', ['--show-npages', join(dir, f)]);
      expect(Number(n)).toBe(3);
    }
    const out = await mkdtemp(join(env.root, 'out-'));
    const zipPath = await downloadKey(store, keys.zip, out);
    const t = await run('unzip', ['-t', zipPath]);
    expect(t.stdout).toContain('No errors detected');
    await run('unzip', ['-q', zipPath, '-d', out]);
    await downloadKey(store, keys.checksums, out);
    const check = await run('sha256sum', ['-c', keys.checksums.split('/').pop()!], { cwd: out });
    expect(check.stdout.trim().split('\n')).toHaveLength(8); // 7 PDFs and the zip
    expect(check.stdout).not.toContain('FAILED');
    // The zip holds exactly the stored PDFs.
    for (const f of pdfs) expect(await readFile(join(out, f))).toEqual(await readFile(join(dir, f)));

    const m = manifestSchema.parse(JSON.parse((await store.getBuffer(keys.manifest)).toString()));
    expect(m.totals).toEqual({ pdfs: 7, pages: 21, bytes: r.bytes, files: 21 });
    expect(m.files.map((f) => [f.name, f.pages, f.from])).toEqual(pdfs.map((f) => [f, 3, 'images']));
    expect(m.zip).toEqual({ ...r.zip, name: keys.zip.split('/').pop() });

    // Again: the same keys and checksums, nothing new.
    const before = await store.list(keys.prefix);
    expect(await packageScans({ book, uploadPrefix: up.uploadPrefix })).toEqual(r);
    // Without the manifest (a crash before its write), the rerun rebuilds byte-identical files.
    await store.delete(keys.manifest);
    expect(await packageScans({ book, uploadPrefix: up.uploadPrefix })).toEqual(r);
    expect(await store.list(keys.prefix)).toEqual(before);
  });

  it('packages per-case PDFs as delivered (same bytes) and counts their pages', async () => {
    const book = makeBook({ bookNo: '02', yearFrom: 2015, yearTo: 2016 });
    const up = await intakeScans(store, { book, files: await pdfDelivery(book, 4, 2) });
    const { packageScans } = createScanActivities({ store });
    const r = await packageScans({ book, uploadPrefix: up.uploadPrefix, expectedCases: 4 });
    expect(r).toMatchObject({ pdfs: 4, pages: 8, files: 4 });
    const stored = await store.list(artifactKeys(book).pdfs);
    const uploaded = await store.list(up.uploadPrefix);
    expect(stored.map((o) => o.sha256)).toEqual(uploaded.map((o) => o.sha256));
    expect(stored[0]!.key).toBe(`${artifactKeys(book).pdfs}/KS.2015-2016.02.2015-01-01.01.pdf`);
  });

  it('a new delivery replaces the package of the previous one: no PDF of the old one is left', async () => {
    const book = makeBook({ bookNo: '03' });
    const { packageScans } = createScanActivities({ store });
    const first = await intakeScans(store, { book, files: imageDelivery(book, 5, 1) });
    const firstResult = await packageScans({ book, uploadPrefix: first.uploadPrefix });
    // A bad delivery in between fails and leaves the first package as it was.
    const bad = await intakeScans(store, { book, files: imageDelivery(book, 4, 1).slice(1) });
    await problemsOf(packageScans({ book, uploadPrefix: bad.uploadPrefix }));
    expect(await store.head(artifactKeys(book).manifest)).toEqual(firstResult.manifest);
    expect(await store.list(artifactKeys(book).pdfs)).toHaveLength(5);
    const second = await intakeScans(store, { book, files: imageDelivery(book, 3, 2) });
    const r = await packageScans({ book, uploadPrefix: second.uploadPrefix });
    expect(r).toMatchObject({ pdfs: 3, pages: 6 });
    expect((await store.list(artifactKeys(book).pdfs)).map((o) => o.key.split('/').pop())).toEqual([1, 2, 3].map((n) => caseName(book, n)));
  });

  describe('bad deliveries list every problem and store nothing', () => {
    const book = makeBook({ bookNo: '04', yearFrom: 2017, yearTo: 2017 });
    const keys = artifactKeys(book);

    async function failWith(files: Parameters<typeof intakeScans>[1]['files'], expectedCases?: number): Promise<string[]> {
      const up = await intakeScans(store, { book, files });
      const before = await store.list(keys.prefix);
      const { packageScans } = createScanActivities({ store });
      const problems = await problemsOf(packageScans({ book, uploadPrefix: up.uploadPrefix, expectedCases }));
      expect(await store.list(keys.prefix)).toEqual(before); // only the upload itself
      await store.deletePrefix(up.uploadPrefix);
      return problems;
    }

    it('a missing case', async () => {
      const files = imageDelivery(book, 6, 1).filter((f) => !f.name.startsWith(stem(caseName(book, 3))));
      expect(await failWith(files, 6)).toEqual(['thiếu hồ sơ số 03 (sổ có 6 hồ sơ theo kiểm kê)']);
      // Without an inventory count, gaps are still missing cases; cases past the count are foreign.
      expect(await failWith(imageDelivery(book, 6, 1).filter((f) => !/\.0[25]\//.test(f.name)))).toEqual(['thiếu hồ sơ số 02, 05']);
      expect(await failWith(imageDelivery(book, 6, 1), 5)).toEqual([`${caseName(book, 6)}: hồ sơ số 06 ngoài danh mục (sổ chỉ có 5 hồ sơ theo kiểm kê)`]);
    });

    it('a duplicate case', async () => {
      const dup = caseName(book, 2, { registrationDate: '2017-03-09' });
      const files = [...(await pdfDelivery(book, 3, 1)), { name: dup, body: await casePdf(2, 1) }];
      expect(await failWith(files, 3)).toEqual([`hồ sơ số 02 bị trùng: ${[caseName(book, 2), dup].sort().join(', ')}`]);
    });

    it('a wrong year, type or book number in a name', async () => {
      const files = imageDelivery(book, 4, 1);
      const wrongYear = caseName(book, 2, { yearFrom: 2016, yearTo: 2016, registrationDate: '2016-05-01' });
      const wrongType = caseName(book, 3, { type: 'death' });
      const wrongBook = caseName(book, 4, { bookNo: '05' });
      const rename = (from: number, to: string) => {
        for (const f of files) if (f.name.startsWith(`${stem(caseName(book, from))}/`)) f.name = f.name.replace(stem(caseName(book, from)), stem(to));
      };
      rename(2, wrongYear);
      rename(3, wrongType);
      rename(4, wrongBook);
      files.push({ name: `${stem(caseName(book, 5, { registrationDate: '2018-01-02' }))}/001.jpg`, body: makeJpeg({ width: 16, height: 16 }) });
      expect(await failWith(files, 5)).toEqual([
        `${stem(wrongYear)}/: năm 2016 không khớp năm của sổ (2017)`,
        `${stem(caseName(book, 5, { registrationDate: '2018-01-02' }))}/: ngày đăng ký 2018-01-02 nằm ngoài năm của sổ (2017)`,
        `${stem(wrongBook)}/: số quyển 05 không khớp sổ này (quyển 04)`,
        `${stem(wrongType)}/: mã loại sổ KT không khớp sổ này (KS)`,
      ]);
    });

    it('a corrupt PDF', async () => {
      const files = await pdfDelivery(book, 3, 1);
      const good = files[1]!.body as Buffer;
      files[1]!.body = good.subarray(0, Math.floor(good.length / 2)); // cut in the middle
      files[2]!.body = Buffer.from('%PDF-1.7\nthis is not a pdf at all\n%%EOF\n');
      const problems = await failWith(files, 3);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toBe(`${caseName(book, 2)}: PDF bị cắt cụt (thiếu %%EOF ở cuối tệp)`);
      expect(problems[1]).toMatch(new RegExp(`^${caseName(book, 3).replace(/\./g, '\\.')}: PDF hỏng, không mở được`));
    });

    it('a truncated JPEG and a corrupt PNG', async () => {
      const files = imageDelivery(book, 3, 3, 20_000);
      const jpg = files.find((f) => f.name === `${stem(caseName(book, 2))}/002.jpg`)!;
      jpg.body = (jpg.body as Buffer).subarray(0, (jpg.body as Buffer).length - 20); // cut in the image data
      const png = files.find((f) => f.name.endsWith('.png'))!;
      const bad = Buffer.from(png.body as Buffer);
      bad[bad.length - 20] = bad[bad.length - 20]! ^ 0xff; // flips a byte inside the image data
      png.body = bad;
      expect(await failWith(files, 3)).toEqual([
        `${stem(caseName(book, 2))}/002.jpg: ảnh JPEG bị cắt cụt (thiếu dấu kết thúc)`,
        `${png.name}: ảnh PNG hỏng (sai mã kiểm tra đoạn IDAT)`,
      ]);
    });

    it('all of these at once, in one message', async () => {
      const files = await pdfDelivery(book, 6, 1);
      files.splice(2, 1); // case 03 missing
      files.push({ name: caseName(book, 4, { registrationDate: '2017-12-31' }), body: await casePdf(4, 1) }); // duplicate 04
      files[0]!.name = caseName(book, 1, { yearFrom: 2019, yearTo: 2019, registrationDate: '2019-01-01' }); // wrong year
      files[1]!.body = Buffer.from('garbage'); // corrupt PDF (case 02)
      for (const f of imageDelivery(book, 7, 2)) if (f.name.startsWith(stem(caseName(book, 7)))) files.push(f);
      const seven = files.find((f) => f.name.endsWith('/002.jpg'))!;
      seven.body = (seven.body as Buffer).subarray(0, 200); // truncated JPEG
      const problems = await failWith(files, 7);
      expect(problems).toEqual([
        'KS.2019.04.2019-01-01.01.pdf: năm 2019 không khớp năm của sổ (2017)',
        'hồ sơ số 04 bị trùng: KS.2017.04.2017-01-04.04.pdf, KS.2017.04.2017-12-31.04.pdf',
        'thiếu hồ sơ số 03 (sổ có 7 hồ sơ theo kiểm kê)',
        'KS.2017.04.2017-01-02.02.pdf: không phải tệp PDF (thiếu tiêu đề %PDF-)',
        'KS.2017.04.2017-01-07.07/002.jpg: ảnh JPEG bị cắt cụt (đoạn tiêu đề không đủ dữ liệu)',
      ]);
    });
  });
});

describe('intake', () => {
  let store: ArtifactStore;
  beforeAll(async () => {
    store = await storeMakers(() => env.root, () => env.minio)[0]![1]();
  });
  const book = makeBook({ bookNo: '09' });

  it('refuses TIFF, loose images and unknown files with every problem, and keeps nothing', async () => {
    const files = [
      { name: `${stem(caseName(book, 1))}/001.tif`, body: Buffer.from('II*\0') },
      { name: '001.jpg', body: makeJpeg({ width: 8, height: 8 }) },
      { name: 'ghichu.docx', body: Buffer.from('x') },
      { name: `${stem(caseName(book, 2))}/001.jpg`, body: makeJpeg({ width: 8, height: 8 }) },
    ];
    const err = await intakeScans(store, { book, uploadId: 'bad', files }).catch((e: unknown) => e);
    expect((err as { problems: string[] }).problems).toEqual([
      expect.stringMatching(/001\.tif: ảnh TIFF chưa được nhận/),
      '001.jpg: ảnh trang phải nằm trong thư mục mang tên hồ sơ (ví dụ KS.2017.01.2017-02-03.05/001.jpg)',
      'ghichu.docx: loại tệp không được nhận (chỉ nhận PDF, JPEG, PNG hoặc tệp zip của chúng)',
    ]);
    expect(await store.list(`${artifactKeys(book).uploads}/bad`)).toEqual([]);
  });

  it('takes a zip stream (no name needed) and ignores folders and system files', async () => {
    const zip = await zipOf([...imageDelivery(book, 2, 1), { name: '__MACOSX/._x', body: Buffer.from('x') }, { name: '.DS_Store', body: Buffer.from('x') }], 'top/');
    const { Readable } = await import('node:stream');
    const r = await intakeScans(store, { book, uploadId: 'z', files: [{ name: '', body: Readable.from([zip.subarray(0, 100), zip.subarray(100)]) }] });
    expect(r.files).toBe(2);
    expect((await store.list(r.uploadPrefix)).map((o) => o.key.slice(r.uploadPrefix.length + 1))).toEqual([`${stem(caseName(book, 1))}/001.jpg`, `${stem(caseName(book, 2))}/001.jpg`]);
  });

  it('stops a delivery over the size limit and keeps nothing', async () => {
    const err = await intakeScans(store, { book, uploadId: 'big', maxBytes: 10_000, files: imageDelivery(book, 3, 2, 3000) }).catch((e: unknown) => e);
    expect((err as { problems: string[] }).problems).toEqual(['lần tải lên vượt quá giới hạn 10 kB']);
    expect(await store.list(`${artifactKeys(book).uploads}/big`)).toEqual([]);
  });

  it('reports a damaged zip', async () => {
    const zip = await zipOf(imageDelivery(book, 2, 1));
    const err = await intakeScans(store, { book, files: [{ name: 'a.zip', body: zip.subarray(0, zip.length - 30) }] }).catch((e: unknown) => e);
    expect((err as { problems: string[] }).problems[0]).toMatch(/^a\.zip: không đọc được tệp zip/);
  });
});
