import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's `tesseract` (scripts/install-system-deps.sh), one process per page, image on stdin.
 * One thread each (OMP_THREAD_LIMIT=1): pages run side by side instead, which uses the cores better.
 */
export const TESSERACT = process.env.SOHOA_TESSERACT ?? 'tesseract';

/** `input`: the image's bytes (read from stdin), or the path of a list of image files. */
function run(args: string[], input: Buffer | string, signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TESSERACT, [typeof input === 'string' ? input : 'stdin', 'stdout', ...args], { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['pipe', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.stdin.on('error', () => undefined); // tesseract may exit before reading everything (not an image)
    child.on('close', (code) => resolve({ code: code ?? 1, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(typeof input === 'string' ? undefined : input);
  });
}

/** Orientation from `--psm 0` (undefined when tesseract cannot tell: too few characters): how far to turn the page clockwise to read it, and how sure tesseract is. */
export interface Orientation {
  rotate: 0 | 90 | 180 | 270;
  confidence: number;
}

function orientationOf(out: string): Orientation | undefined {
  const rotate = /Rotate:\s*(\d+)/.exec(out);
  const conf = /Orientation confidence:\s*([\d.]+)/.exec(out);
  if (!rotate || !conf) return undefined;
  return { rotate: Number(rotate[1]) as Orientation['rotate'], confidence: Number(conf[1]) };
}

/**
 * Orientation of many pages, a few to each tesseract process: loading the orientation model costs
 * about as much as reading a page, so a process that reads several pays it once. At most
 * `processes` at once; a batch is whatever waits when a process is free (no waiting to fill one).
 */
export class OrientationBatches {
  private readonly queue: { image: Buffer; resolve: (o: Orientation | undefined) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly processes: number,
    private readonly batch = 4,
    private readonly signal?: AbortSignal,
  ) {}

  detect(image: Buffer): Promise<Orientation | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ image, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.processes && this.queue.length) {
      const items = this.queue.splice(0, this.batch);
      this.running++;
      void this.runBatch(items).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async runBatch(items: typeof this.queue): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-osd-'));
    try {
      const files = await Promise.all(
        items.map(async ({ image }, i) => {
          const file = join(dir, `${i}.${image[0] === 0xff ? 'jpg' : 'png'}`);
          await writeFile(file, image);
          return file;
        }),
      );
      await writeFile(join(dir, 'list.txt'), files.join('\n') + '\n');
      const r = await run(['--psm', '0'], join(dir, 'list.txt'), this.signal);
      // One block per page it could read ("Page number: i" first); a page without text has none.
      const found = new Map(r.out.split(/^Page number: /m).slice(1).map((b) => [Number(b.split('\n')[0]), orientationOf(b)] as const));
      items.forEach((it, i) => it.resolve(found.get(i)));
    } catch (e) {
      items.forEach((it) => it.reject(e));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** At most `n` tasks at once; the others wait their turn, in order. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** Recognised text of a page, lines joined by newlines, and the mean confidence of its words (0–100). */
export interface PageText {
  text: string;
  confidence: number;
  words: number;
}

/** `tsv` rows: one per word with its confidence, in reading order (block, paragraph, line). */
function parseTsv(tsv: string): PageText {
  const lines: string[] = [];
  let lineKey = '';
  let confSum = 0;
  let words = 0;
  for (const row of tsv.split('\n').slice(1)) {
    const f = row.split('\t');
    if (f.length < 12 || f[0] !== '5') continue;
    const word = f[11]!.trim();
    if (!word) continue;
    const key = `${f[2]}.${f[3]}.${f[4]}`;
    if (key !== lineKey) lines.push('');
    lineKey = key;
    lines[lines.length - 1] += (lines[lines.length - 1] ? ' ' : '') + word;
    confSum += Number(f[10]);
    words++;
  }
  return { text: lines.join('\n').normalize('NFC'), confidence: words ? Math.round((confSum / words) * 10) / 10 : 0, words };
}

/**
 * The text of a page and, with `textLayer`, the same text as a one-page PDF of invisible text only
 * (tesseract's `textonly_pdf`, its GlyphLessFont mapped to Unicode), to lay over the page's image.
 */
export async function recognise(image: Buffer, lang: string, signal?: AbortSignal, textLayer = false): Promise<PageText & { layer?: Uint8Array }> {
  if (!textLayer) {
    const r = await run(['-l', lang, '--psm', '3', 'tsv'], image, signal);
    if (r.code !== 0) throw new Error(`tesseract: ${r.err.trim().split('\n').pop() ?? `mã thoát ${r.code}`}`);
    return parseTsv(r.out);
  }
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-ocr-'));
  try {
    const file = join(dir, image[0] === 0xff ? 'page.jpg' : 'page.png');
    await writeFile(file, image);
    const out = join(dir, 'out');
    const r = await new Promise<{ code: number; err: string }>((resolve, reject) => {
      const child = spawn(TESSERACT, [file, out, '-l', lang, '--psm', '3', '-c', 'textonly_pdf=1', 'tsv', 'pdf'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['ignore', 'ignore', 'pipe'], signal });
      const err: Buffer[] = [];
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, err: Buffer.concat(err).toString('utf8') }));
    });
    if (r.code !== 0) throw new Error(`tesseract: ${r.err.trim().split('\n').pop() ?? `mã thoát ${r.code}`}`);
    const [tsv, pdf] = await Promise.all([readFile(`${out}.tsv`, 'utf8'), readFile(`${out}.pdf`)]);
    return { ...parseTsv(tsv), layer: new Uint8Array(pdf) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
