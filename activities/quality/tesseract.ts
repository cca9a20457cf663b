import { spawn } from 'node:child_process';

/**
 * Debian's `tesseract` (scripts/install-system-deps.sh), one process per page, image on stdin.
 * One thread each (OMP_THREAD_LIMIT=1): pages run side by side instead, which uses the cores better.
 */
export const TESSERACT = process.env.SOHOA_TESSERACT ?? 'tesseract';

function run(args: string[], input: Buffer, signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TESSERACT, ['stdin', 'stdout', ...args], { env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['pipe', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.stdin.on('error', () => undefined); // tesseract may exit before reading everything (not an image)
    child.on('close', (code) => resolve({ code: code ?? 1, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(input);
  });
}

/** Orientation from `--psm 0`: how far to turn the page clockwise to read it, and how sure tesseract is. */
export interface Orientation {
  rotate: 0 | 90 | 180 | 270;
  confidence: number;
}

/** Undefined when tesseract cannot tell (too few characters: a blank or drawn page). */
export async function detectOrientation(image: Buffer, signal?: AbortSignal): Promise<Orientation | undefined> {
  const r = await run(['--psm', '0'], image, signal);
  const rotate = /Rotate:\s*(\d+)/.exec(r.out);
  const conf = /Orientation confidence:\s*([\d.]+)/.exec(r.out);
  if (r.code !== 0 || !rotate || !conf) return undefined;
  return { rotate: Number(rotate[1]) as Orientation['rotate'], confidence: Number(conf[1]) };
}

/** Recognised text of a page, lines joined by newlines, and the mean confidence of its words (0–100). */
export interface PageText {
  text: string;
  confidence: number;
  words: number;
}

/** `tsv` output: one row per word with its confidence, in reading order (block, paragraph, line). */
export async function recognise(image: Buffer, lang: string, signal?: AbortSignal): Promise<PageText> {
  const r = await run(['-l', lang, '--psm', '3', 'tsv'], image, signal);
  if (r.code !== 0) throw new Error(`tesseract: ${r.err.trim().split('\n').pop() ?? `mã thoát ${r.code}`}`);
  const lines: string[] = [];
  let lineKey = '';
  let confSum = 0;
  let words = 0;
  for (const row of r.out.split('\n').slice(1)) {
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
