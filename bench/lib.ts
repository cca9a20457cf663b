/** What the benchmarks share: child processes, free ports, waiting, peak memory, percentiles, autocannon at a rate. */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../clients/paths';
import { procStat } from '../scripts/lib/proc';

export const CONNECTIONS = 10;

export const r2 = (x: number) => Math.round(x * 100) / 100;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

/**
 * Runs a benchmark's main, then stops what it started (`stop`, even after a failure). A failure is
 * said before the stack stops: a channel closing under a pending call must not hide it.
 */
export async function runBench(main: () => Promise<void>, stop: () => Promise<void> | undefined): Promise<void> {
  try {
    await main();
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
  } finally {
    await stop();
  }
}

/**
 * Waits until `ok` holds; answers the seconds it took. It asks every 250 ms at first, then every 2 % of
 * the time waited (at most 5 s): a count of 40,000 books four times a second took its share of the one
 * server connection it was waiting for, and the answer stays within 2 % of the time measured.
 */
export async function waitFor(what: string, ok: () => Promise<boolean>, timeoutS = 1800): Promise<number> {
  const t0 = performance.now();
  while (!(await ok())) {
    const waited = performance.now() - t0;
    if (waited > timeoutS * 1000) throw new Error(`${what}: không xong sau ${timeoutS} s`);
    await sleep(Math.min(5000, Math.max(250, waited * 0.02)));
  }
  return (performance.now() - t0) / 1000;
}

/**
 * Whether every book started has run its first workflow task: none waits in the workflow task queue's
 * backlog and the books started last have completed one (their start publishes their whole list line
 * and status, so visibility cannot tell). Answers the backlog too, for progress.
 */
export async function firstTasksRun(client: Client, taskQueue: string, lastIds: readonly string[]): Promise<{ done: boolean; backlog: number }> {
  const { stats } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    reportStats: true,
  });
  const backlog = Number(stats?.approximateBacklogCount ?? 0);
  if (backlog > 0) return { done: false, backlog };
  // Started, task scheduled, started, completed: four events at least once the first task ran.
  const lengths = await Promise.all(lastIds.map(async (id) => (await client.workflow.getHandle(id).describe()).historyLength));
  return { done: lengths.every((n) => n >= 4), backlog };
}

export const children: ChildProcess[] = [];
export const stopChildren = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
process.on('exit', stopChildren);

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN;
}
export const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99) };
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function startTs(script: string, env: Record<string, string>, log: 'inherit' | 'ignore'): ChildProcess {
  const c = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script)], { env: { ...process.env, ...env }, stdio: ['ignore', log, 'inherit'] });
  children.push(c);
  return c;
}

function statusMB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) used so far by a process and every live process under it (Linux, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const f = procStat(p);
    if (!f) continue;
    parent.set(Number(p), Number(f[1]));
    ticks.set(Number(p), Number(f[11]) + Number(f[12]));
  }
  const under = (p: number): boolean => p === pid || (p > 1 && parent.has(p) && under(parent.get(p)!));
  return [...ticks].filter(([p]) => under(p)).reduce((n, [, t]) => n + t, 0) / 100;
}

/** Peak resident memory of a process (Linux), in MB. */
export const peakRssMB = (pid: number) => statusMB(pid, 'VmHWM');
/** Resident memory of a process now (Linux), in MB. */
export const rssNowMB = (pid: number) => statusMB(pid, 'VmRSS');

/** The API's load: autocannon at the same rate; latencies from its response events (sub-millisecond). */
export async function cannon(url: string, token: string, path: () => string, rate: number, seconds: number) {
  const lat: number[] = [];
  const inst = autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    overallRate: rate,
    headers: { authorization: `Bearer ${token}` },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
  });
  inst.on('response', (_c: unknown, status: number, _b: number, time: number) => {
    if (status >= 200 && status < 300) lat.push(time);
  });
  const r = await inst;
  return { lat, failed: r.non2xx + r.errors + r.timeouts };
}

