/**
 * bench:quality — the page checks and OCR against the bare command-line tools doing the same work.
 *
 * PAGES test pages (half a printed civil-status form filled in print, half filled in a slanted,
 * wavering hand-like script; A5 at 200 dpi, JPEG) are drawn with ImageMagick. Then, alternately,
 * ROUNDS times each (the best counts: the machine is shared):
 *   checks: PageChecker (decode, brightness, ink, skew, ink map, tesseract --psm 0 a few pages per
 *           process) vs ImageMagick
 *           `identify` (resolution, mean brightness) + `tesseract --psm 0` per page;
 *   OCR:    PageChecker with OCR (tesseract -l vie, words with confidence and the invisible-text PDF
 *           laid over the page) vs `tesseract -l vie -c textonly_pdf=1 txt pdf` per page.
 * Both sides run CONCURRENCY pages at once, tesseract on one thread each. Then what OCR gives on each
 * kind of page: the share of the written fields (number, name, date, place) found in the text, and
 * tesseract's mean word confidence. Peak RSS is this process's (tesseract's own processes aside).
 * Needs `scripts/install-system-deps.sh`. Ends with one JSON line; `ratio` = the lower of the two.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { PageChecker, type PageOcr } from '../activities/quality/pageChecks';
import { fold } from '../domain/text';
import type { QualitySettings } from '../clients/config';
import { fieldsOf, makePage } from '../test/support/pages';

const run = promisify(execFile);
const PAGES = Number(process.env.BENCH_PAGES ?? 24);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const base: QualitySettings = { checks: true, minDpi: 200, maxSkewDeg: 3, duplicateDifference: 0.008, blocking: [], ocr: undefined, concurrency: CONCURRENCY };

/** Runs `work` over items, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

const pages: { seed: number; style: 'print' | 'hand'; data: Buffer; file: string }[] = [];
const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-quality-'));
for (let i = 0; i < PAGES; i++) {
  const style = i % 2 ? 'hand' : 'print';
  const data = await makePage({ seed: i + 1, style });
  const file = join(dir, `${String(i).padStart(4, '0')}.jpg`);
  await writeFile(file, data);
  pages.push({ seed: i + 1, style, data, file });
}

async function project(settings: QualitySettings) {
  const c = new PageChecker(settings, 100);
  for (const [i, p] of pages.entries()) await c.add({ case: `c${i}`, caseNo: i + 1, page: 1, kind: 'jpeg', data: p.data, dpi: 200 });
  return c.finish();
}
const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
const baselineChecks = () =>
  pool(pages, CONCURRENCY, async (p) => {
    await run('identify', ['-format', '%x %y %[fx:mean]', p.file], { env });
    await run('tesseract', [p.file, 'stdout', '--psm', '0'], { env }).catch(() => undefined);
  });
// The same outputs as the project's: the page's text and its invisible-text PDF (the searchable layer).
const baselineOcr = () => pool(pages, CONCURRENCY, (p) => run('tesseract', [p.file, p.file.replace(/\.jpg$/, ''), '-l', 'vie', '-c', 'textonly_pdf=1', 'txt', 'pdf'], { env }));

const best = { checks: Infinity, checksBase: Infinity, ocr: Infinity, ocrBase: Infinity };
let ocr: PageOcr[] = [];
for (let round = 0; round < ROUNDS; round++) {
  best.checks = Math.min(best.checks, await timed(() => project(base)));
  best.checksBase = Math.min(best.checksBase, await timed(baselineChecks));
  best.ocr = Math.min(best.ocr, await timed(async () => (ocr = (await project({ ...base, checks: false, ocr: { lang: 'vie' } })).ocr!)));
  best.ocrBase = Math.min(best.ocrBase, await timed(baselineOcr));
}
await rm(dir, { recursive: true, force: true });

const rate = (s: number) => Math.round((PAGES / s) * 100) / 100;
const rows = [
  ['page checks', rate(best.checks), 'identify + tesseract --psm 0', rate(best.checksBase), best.checksBase / best.checks],
  ['OCR (vie)', rate(best.ocr), 'tesseract -l vie txt pdf', rate(best.ocrBase), best.ocrBase / best.ocr],
] as const;
console.log(`\n${PAGES} pages (A5, 200 dpi), ${CONCURRENCY} at a time\n`);
console.log('what'.padEnd(14) + 'pages/s'.padStart(9) + '   baseline'.padEnd(34) + 'pages/s'.padStart(9) + 'ratio'.padStart(8));
for (const [what, p, b, bp, r] of rows) console.log(what.padEnd(14) + String(p).padStart(9) + `   ${b}`.padEnd(34) + String(bp).padStart(9) + r.toFixed(2).padStart(8));

// What OCR gives: the written fields found (with diacritics as written, and without), and confidence.
const quality = (style: 'print' | 'hand') => {
  const mine = ocr.filter((_, i) => pages[i]!.style === style);
  let fields = 0;
  let exact = 0;
  let folded = 0;
  for (const [k, o] of mine.entries()) {
    const seed = pages.filter((p) => p.style === style)[k]!.seed;
    for (const v of Object.values(fieldsOf(seed))) {
      fields++;
      if (o.text.replace(/\s+/g, ' ').includes(v)) exact++;
      if (fold(o.text).includes(fold(v))) folded++;
    }
  }
  const conf = mine.reduce((s, o) => s + o.confidence, 0) / Math.max(1, mine.length);
  return { fields: Math.round((exact / fields) * 100), foldedFields: Math.round((folded / fields) * 100), confidence: Math.round(conf * 10) / 10 };
};
const print = quality('print');
const hand = quality('hand');
console.log('\nOCR on the pages: written fields found as written / without diacritics, mean word confidence');
console.log(`  printed form, filled in print: ${print.fields}% / ${print.foldedFields}%, confidence ${print.confidence}`);
console.log(`  printed form, filled by "hand": ${hand.fields}% / ${hand.foldedFields}%, confidence ${hand.confidence}\n`);

const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
const checksRatio = Math.round(rows[0][4] * 100) / 100;
const ocrRatio = Math.round(rows[1][4] * 100) / 100;
console.log(
  JSON.stringify({
    bench: 'quality',
    ratio: Math.min(checksRatio, ocrRatio),
    peakRssMB,
    pages: PAGES,
    checksPagesPerS: rate(best.checks),
    checksBaselinePagesPerS: rate(best.checksBase),
    checksRatio,
    ocrPagesPerS: rate(best.ocr),
    ocrBaselinePagesPerS: rate(best.ocrBase),
    ocrRatio,
    ocrPrintFieldsPct: print.fields,
    ocrHandFieldsPct: hand.fields,
    ocrPrintConfidence: print.confidence,
    ocrHandConfidence: hand.confidence,
  }),
);
