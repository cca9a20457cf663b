/**
 * bench:packaging — packageScans against the command-line tools a clerk would otherwise use.
 *
 * One book of CASES cases × PAGES pages (JPEG, ~PAGE_KB kB each) is generated in both delivered forms:
 *   PDF form:    packageScans (check, copy, zip, manifest) vs `zip -0 -r` + `sha256sum` of the same PDFs;
 *   image form:  packageScans (check, build PDFs, zip, manifest) vs Debian `img2pdf` per case + `zip -0 -r`.
 * Both on the local store; then once on MinIO for comparison. Peak RSS of packageScans is measured in
 * child processes for books of 500 and 4,000 pages. Needs `scripts/install-system-deps.sh bench`
 * and the MinIO binary (scripts/install-tools.sh minio).
 * Ends with one JSON line; `ratio` = the lower of the two throughput ratios (project ÷ baseline).
 */
import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { intakeScans, type IntakeFile } from '../activities/scans/intake';
import { createScanActivities } from '../activities/scans/packageScans';
import { inspectJpeg } from '../activities/scans/images';
import { buildCasePdf } from '../activities/scans/pdf';
import { FsStore } from '../clients/storage/fs';
import { S3Store } from '../clients/storage/s3';
import type { ArtifactStore } from '../clients/storage/types';
import { bookSchema, type Book } from '../domain/book';
import { loadUnits } from '../clients/units';

const units = loadUnits();
import { artifactKeys, pdfName } from '../domain/naming';
import { makeJpeg } from '../test/support/images';
import { startMinio } from '../test/support/minio';
import { r2 } from './lib';

const run = promisify(execFile);
const CASES = Number(process.env.BENCH_CASES ?? 400);
const PAGES = Number(process.env.BENCH_PAGES_PER_CASE ?? 5);
const PAGE_KB = Number(process.env.BENCH_PAGE_KB ?? 100);
const SELF = fileURLToPath(import.meta.url);

const mkBook = (bookNo: string): Book =>
  bookSchema.parse({ agency: units.findAgency('20335'), type: 'birth', bookNo, yearFrom: 2017, yearTo: 2017 });

const caseName = (book: Book, n: number) =>
  pdfName({ ...book, registrationDate: `2017-${String(((n - 1) % 12) + 1).padStart(2, '0')}-${String(((n - 1) % 28) + 1).padStart(2, '0')}`, caseNo: n });

const page = (n: number, p: number) => makeJpeg({ width: 248, height: 351, seed: n * 1000 + p, padTo: PAGE_KB * 1000, dpi: 30 });

/** The image form as intake files, generated on the fly (nothing held but the current page). */
function* imageFiles(book: Book, cases: number, pages: number): Generator<IntakeFile> {
  for (let n = 1; n <= cases; n++) {
    const folder = caseName(book, n).replace(/\.pdf$/, '');
    for (let p = 1; p <= pages; p++) yield { name: `${folder}/${String(p).padStart(3, '0')}.jpg`, body: page(n, p) };
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [(performance.now() - t) / 1000, r];
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

const fromDisk = async (dir: string): Promise<IntakeFile[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => {
      const rel = join(e.parentPath, e.name).slice(dir.length + 1);
      return { name: rel, body: createReadStream(join(dir, rel)) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));

/** Child mode: package an already ingested book and report peak RSS. */
async function rssChild(arg: string): Promise<void> {
  const { root, bookNo, uploadPrefix } = JSON.parse(arg) as { root: string; bookNo: string; uploadPrefix: string };
  const store = new FsStore(root);
  const r = await createScanActivities({ store }).packageScans({ book: mkBook(bookNo), uploadPrefix });
  process.stdout.write(JSON.stringify({ pages: r.pages, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

async function peakRss(store: FsStore, book: Book, pages: number): Promise<number> {
  const cases = Math.ceil(pages / PAGES);
  const up = await intakeScans(store, { book, uploadId: `rss${pages}`, files: imageFiles(book, cases, PAGES) });
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--rss-child', JSON.stringify({ root: store.root, bookNo: book.bookNo, uploadPrefix: up.uploadPrefix })], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let s = '';
    child.stdout.on('data', (d: Buffer) => (s += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(s) : reject(new Error(`RSS child exited with ${code}`))));
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { pages: number; maxRssMB: number };
  if (r.pages !== cases * PAGES) throw new Error(`RSS child packaged ${r.pages} pages`);
  await store.deletePrefix(artifactKeys(book).prefix);
  return r.maxRssMB;
}

/** Removes a book's package (not its upload), so the next run does the whole work again. */
async function clearPackage(store: ArtifactStore, book: Book): Promise<void> {
  const keys = artifactKeys(book);
  await store.deletePrefix(keys.pdfs);
  for (const k of [keys.zip, keys.manifest, keys.checksums]) await store.delete(k);
}

async function packageOnce(store: ArtifactStore, book: Book, uploadPrefix: string): Promise<number> {
  const { packageScans } = createScanActivities({ store });
  const [secs, r] = await timed(() => packageScans({ book, uploadPrefix }));
  if (r.pdfs !== CASES) throw new Error(`packaged ${r.pdfs} PDFs, expected ${CASES}`);
  return secs;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'sohoa-bench-'));
  try {
    const imagesDir = join(work, 'images');
    const pdfDir = join(work, 'pdf');
    const outDir = join(work, 'out');
    await Promise.all([mkdir(imagesDir), mkdir(pdfDir), mkdir(outDir)]);
    const imgBook = mkBook('01');
    const pdfBook = mkBook('02');

    // The delivery in both forms, on disk (what the baselines read).
    process.stderr.write(`generating ${CASES} cases × ${PAGES} pages of ~${PAGE_KB} kB…\n`);
    for (let n = 1; n <= CASES; n++) {
      const folder = join(imagesDir, caseName(imgBook, n).replace(/\.pdf$/, ''));
      await mkdir(folder);
      const imgs = [];
      for (let p = 1; p <= PAGES; p++) {
        const data = page(n, p);
        await writeFile(join(folder, `${String(p).padStart(3, '0')}.jpg`), data);
        const r = inspectJpeg(data);
        if (!r.ok) throw new Error(r.problem);
        imgs.push({ data, info: r.info });
      }
      await writeFile(join(pdfDir, caseName(pdfBook, n)), await buildCasePdf(caseName(pdfBook, n), imgs));
    }
    const imageBytes = await dirBytes(imagesDir);
    const pdfBytes = await dirBytes(pdfDir);
    const MB = (b: number) => b / 1e6;

    // Local store: the delivery ingested as the API would.
    const local = new FsStore(join(work, 'store'));
    const imgUp = await intakeScans(local, { book: imgBook, uploadId: 'bench', files: await fromDisk(imagesDir) });
    const pdfUp = await intakeScans(local, { book: pdfBook, uploadId: 'bench', files: await fromDisk(pdfDir) });

    // PDF form: the quick one, so best of three rounds each (shared machines are noisy).
    await run('sync');
    let basePdfSecs = Infinity;
    let projPdfSecs = Infinity;
    for (let round = 0; round < 3; round++) {
      const [b] = await timed(async () => {
        await run('zip', ['-0', '-r', '-q', join(outDir, `pdf${round}.zip`), '.'], { cwd: pdfDir });
        await run('sh', ['-c', `sha256sum *.pdf > ${join(outDir, 'pdf.sha256')}`], { cwd: pdfDir });
      });
      basePdfSecs = Math.min(basePdfSecs, b);
      await clearPackage(local, pdfBook);
      projPdfSecs = Math.min(projPdfSecs, await packageOnce(local, pdfBook, pdfUp.uploadPrefix));
    }

    // Image form.
    const [baseImgSecs] = await timed(async () => {
      const pdfOut = join(outDir, 'img2pdf');
      await mkdir(pdfOut);
      for (const folder of (await readdir(imagesDir)).sort()) {
        const pages = (await readdir(join(imagesDir, folder))).sort().map((f) => join(imagesDir, folder, f));
        await run('img2pdf', [...pages, '-o', join(pdfOut, `${folder}.pdf`)]);
      }
      await run('zip', ['-0', '-r', '-q', join(outDir, 'img.zip'), '.'], { cwd: pdfOut });
    });
    const projImgSecs = await packageOnce(local, imgBook, imgUp.uploadPrefix);

    // MinIO, once, for comparison.
    const minio = await startMinio();
    let s3PdfSecs = NaN;
    let s3ImgSecs = NaN;
    try {
      const s3 = new S3Store({ endpoint: minio.endpoint, region: 'us-east-1', bucket: 'bench', accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey });
      await s3.ensureBucket();
      const s3Img = await intakeScans(s3, { book: imgBook, uploadId: 'bench', files: await fromDisk(imagesDir) });
      const s3Pdf = await intakeScans(s3, { book: pdfBook, uploadId: 'bench', files: await fromDisk(pdfDir) });
      s3PdfSecs = await packageOnce(s3, pdfBook, s3Pdf.uploadPrefix);
      s3ImgSecs = await packageOnce(s3, imgBook, s3Img.uploadPrefix);
      s3.destroy();
    } finally {
      await minio.stop();
    }

    await rm(imagesDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
    const rssStore = new FsStore(join(work, 'rss'));
    const rss500 = await peakRss(rssStore, mkBook('05'), 500);
    const rss4000 = await peakRss(rssStore, mkBook('06'), 4000);

    const rows = [
      ['PDF form, local', MB(pdfBytes) / projPdfSecs, MB(pdfBytes) / basePdfSecs, 'zip -0 -r + sha256sum (best of 3 each)'],
      ['images, local', MB(imageBytes) / projImgSecs, MB(imageBytes) / baseImgSecs, 'img2pdf per case + zip -0 -r'],
      ['PDF form, MinIO', MB(pdfBytes) / s3PdfSecs, MB(pdfBytes) / basePdfSecs, 'zip -0 -r + sha256sum'],
      ['images, MinIO', MB(imageBytes) / s3ImgSecs, MB(imageBytes) / baseImgSecs, 'img2pdf per case + zip -0 -r'],
    ] as const;
    console.log(`\nbook: ${CASES} cases, ${CASES * PAGES} JPEG pages, images ${MB(imageBytes).toFixed(1)} MB, PDFs ${MB(pdfBytes).toFixed(1)} MB`);
    console.log(`${'run'.padEnd(18)}${'packageScans MB/s'.padStart(19)}${'baseline MB/s'.padStart(15)}${'ratio'.padStart(8)}  baseline`);
    for (const [name, proj, base, what] of rows) {
      console.log(`${name.padEnd(18)}${proj.toFixed(1).padStart(19)}${base.toFixed(1).padStart(15)}${(proj / base).toFixed(2).padStart(8)}  ${what}`);
    }
    console.log(`peak RSS of packageScans: ${rss500.toFixed(0)} MB for 500 pages, ${rss4000.toFixed(0)} MB for 4,000 pages`);

    const ratioPdf = rows[0][1] / rows[0][2];
    const ratioImg = rows[1][1] / rows[1][2];
    const worst = ratioPdf <= ratioImg ? rows[0] : rows[1];
    console.log(
      JSON.stringify({
        bench: 'packaging',
        ratio: r2(Math.min(ratioPdf, ratioImg)),
        peakRssMB: Math.round(Math.max(rss500, rss4000)),
        throughputMBs: r2(worst[1]),
        baselineMBs: r2(worst[2]),
        pages: CASES * PAGES,
        ratioPdf: r2(ratioPdf),
        ratioImages: r2(ratioImg),
        pdfMBs: r2(rows[0][1]),
        pdfBaselineMBs: r2(rows[0][2]),
        imagesMBs: r2(rows[1][1]),
        imagesBaselineMBs: r2(rows[1][2]),
        minioPdfMBs: r2(rows[2][1]),
        minioImagesMBs: r2(rows[3][1]),
        rss500MB: Math.round(rss500),
        rss4000MB: Math.round(rss4000),
      }),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const childArg = process.argv.indexOf('--rss-child');
await (childArg >= 0 ? rssChild(process.argv[childArg + 1]!) : main());
