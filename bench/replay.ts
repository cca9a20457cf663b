/**
 * bench:replay — what a book costs the worker each time its workflow is brought into memory: a replay
 * after eviction from the cache or a worker restart, a query on a cold book, the deadline storm. A saved
 * history (a whole book's path) is replayed BENCH_REPLAYS times by the workers' bundle; the baseline is
 * a bare Temporal workflow of the same shape (updates, timers, activities), its history made on a dev
 * server in the same run, replayed as often, in alternating rounds. ratio = bare ms ÷ sohoa ms.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorkflowBundle } from '../clients/workflowBundle/build';
import { startDevServer } from '../clients/temporal/devServer';
import { HISTORIES_DIR } from '../test/replay/savedHistories';
import { BARE_TASK_QUEUE, bareActivities, runBare } from './bare/run';
import type { Shape } from './bare/workflow';
import { children, freePort, peakRssMB, r2, stats } from './lib';

const REPLAYS = Number(process.env.BENCH_REPLAYS ?? 300);
const ROUNDS = 5;
const HISTORY = process.env.BENCH_HISTORY ?? 'completed-excel.v13.json';
const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

type Events = { events?: Array<Record<string, unknown>> | null };

/** Replays `history` REPLAYS times with the bundle at `codePath`; the time of each replay (ms). */
async function replayTimes(codePath: string, history: unknown): Promise<number[]> {
  const times: number[] = [];
  const all = Array.from({ length: Math.ceil(REPLAYS / ROUNDS) + 1 }, (_, i) => ({ workflowId: `replay-${i}`, history }));
  let t = performance.now();
  for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath } }, all)) {
    if (r.error) throw r.error;
    const now = performance.now();
    times.push(now - t);
    t = now;
  }
  return times.slice(1); // the first one also loads the bundle into the worker
}

/** One bare book of the shape on a dev server of its own, and its history. */
async function bareHistory(dir: string, codePath: string, shape: Shape): Promise<unknown> {
  const server = await startDevServer({ dbFile: join(dir, 'temporal.db'), port: await freePort(), uiPort: await freePort() });
  children.push(server.child);
  try {
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const worker = await Worker.create({ connection: await NativeConnection.connect({ address: server.address }), taskQueue: BARE_TASK_QUEUE, workflowBundle: { codePath }, activities: bareActivities });
    await worker.runUntil(runBare(client, 'bare-book', shape));
    return client.workflow.getHandle('bare-book').fetchHistory();
  } finally {
    server.child.kill('SIGTERM');
  }
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-replay-'));
  try {
    const sohoa = await buildWorkflowBundle(join(dir, 'sohoa.js'));
    const bare = join(dir, 'bare.js');
    await writeFile(bare, (await bundleWorkflowCode({ workflowsPath: new URL('./bare/workflow.ts', import.meta.url).pathname, logger: quiet })).code);

    const history = JSON.parse(await readFile(join(HISTORIES_DIR, HISTORY), 'utf8')) as Events;
    const count = (attr: string) => history.events!.filter((e) => e[attr]).length;
    const shape = { updates: count('workflowExecutionUpdateAcceptedEventAttributes'), timers: count('timerStartedEventAttributes'), activities: count('activityTaskScheduledEventAttributes') };
    const bareEvents = (await bareHistory(dir, bare, shape)) as Events;

    // In rounds, each in turn, so that whatever else the machine does falls on both alike.
    const variants = [
      { name: 'sohoa (bundle của worker)', codePath: sohoa, history: history as unknown, times: [] as number[] },
      { name: 'workflow trần cùng hình dạng', codePath: bare, history: bareEvents, times: [] },
    ];
    for (let round = 0; round < ROUNDS; round++) for (const v of variants) v.times.push(...(await replayTimes(v.codePath, v.history)));
    const runs = variants.map((r) => ({ ...r, ...stats(r.times), mean: r.times.reduce((a, b) => a + b, 0) / r.times.length }));
    const [project, baseline] = runs as [(typeof runs)[0], (typeof runs)[0]];
    console.log(`\nphát lại ${REPLAYS} lần lịch sử ${HISTORY} (${history.events!.length} sự kiện; ${shape.updates} cập nhật, ${shape.timers} hẹn giờ, ${shape.activities} hoạt động) và lịch sử trần (${bareEvents.events!.length} sự kiện)\n`);
    console.log(`${'bản'.padEnd(42)}${'trung bình ms'.padStart(15)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`);
    for (const r of runs) console.log(`${r.name.padEnd(42)}${[r.mean, r.p50, r.p99].map((x, i) => r2(x).toFixed(1).padStart(i ? 9 : 15)).join('')}`);
    const ratio = r2(baseline.mean / project.mean);
    console.log(`\ntỷ lệ trần ÷ sohoa (thời gian trung bình một lần phát lại): ${ratio}`);
    console.log(
      JSON.stringify({ bench: 'replay', ratio, peakRssMB: peakRssMB(process.pid), p50Ms: r2(project.p50), p99Ms: r2(project.p99), baselineP50Ms: r2(baseline.p50), baselineP99Ms: r2(baseline.p99), events: history.events!.length }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
