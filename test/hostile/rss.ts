import { spawn } from 'node:child_process';
import { appendFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ChildError, Job } from './child';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export type ChildResult = ({ ok: true; value: unknown } | { ok: false; error: ChildError }) & { maxRssMb: number };

export interface ChildRun {
  /** Undefined when the process died before answering (out of memory, killed). */
  result?: ChildResult;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

/**
 * Runs a job in a child process with its heap capped (so code that would take gigabytes dies
 * early instead of taking the machine), and returns what it answered with its peak RSS.
 */
export async function inChild(job: Job, opts: { heapMb?: number; timeoutMs?: number } = {}): Promise<ChildRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [`--max-old-space-size=${opts.heapMb ?? 512}`, '--import', 'tsx', CHILD], {
    env: { ...process.env, SOHOA_CHILD: JSON.stringify(job) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  clearTimeout(timer);
  const line = stdout.split('\n').find((l) => l.startsWith('result '));
  return { ...(line ? { result: JSON.parse(line.slice(7)) as ChildResult } : {}), exitCode, signal, stderr, ms: Date.now() - started };
}

/** Every parser of a user's file must stay under this, whatever the file. */
export const MAX_RSS_MB = 300;

const REPORT = fileURLToPath(new URL('../../test-output/hostile-rss.jsonl', import.meta.url));

/** Appends an attack's outcome and peak RSS to test-output/hostile-rss.jsonl, the figures the limits were chosen from. */
export async function record(attack: string, run: ChildRun): Promise<void> {
  await mkdir(fileURLToPath(new URL('../../test-output/', import.meta.url)), { recursive: true });
  const line = { attack, at: new Date().toISOString(), maxRssMb: run.result?.maxRssMb, ms: run.ms, refused: run.result && !run.result.ok ? run.result.error.message : undefined, died: run.result ? undefined : (run.signal ?? run.exitCode) };
  await appendFile(REPORT, JSON.stringify(line) + '\n');
}
