/**
 * The engine's own overhead: the same path for fresh books through sohoa and through a bare Temporal
 * workflow of the same shape (bench/bare), on the same server, the sides in turn on slices of the books.
 * ratio = bare time ÷ sohoa time (1 = sohoa adds nothing to Temporal). A third side tells the two parts
 * of the difference apart: the bare workflow sending the same commands as the sohoa book (its search
 * attributes and memo at the start and at each update, answers of the same size), so
 * ratioSameCommands = that time ÷ sohoa time is what sohoa's own code costs beside what Temporal costs
 * for what it publishes. With BENCH_OVERHEAD_PARTS=1, three more sides price that publishing part by
 * part: the bare workflow sending only the start's attributes and memo, only the updates' attributes,
 * only the updates' memo (each with the book's answers). Used by bench:scale at the end of its province;
 * run alone (`npm run bench:overhead`: BENCH_OVERHEAD_BOOKS, default 500, in BENCH_OVERHEAD_ROUNDS
 * rounds, default 3) on a fresh dev stack, or on the cluster profile with BENCH_OVERHEAD_ENGINE=cluster,
 * it ends with its own JSON line.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { planSettingsFromConfig } from '../clients/config';
import { startBook, startRequestOf } from '../clients/temporal/startBook';
import { ROOT } from '../clients/paths';
import { loadUnits } from '../clients/units';
import { buildWorkflowBundle } from '../clients/workflowBundle/build';
import { bookSchema, workflowIdFor } from '../domain/book';
import type { Units } from '../domain/units';
import type { Book } from '../contracts/v1';
import { actionUpdates } from '../workflows/definitions';
import { mapLimit } from '../api/services/pool';
import { demoActor } from '../scripts/lib/demo';
import { BARE_TASK_QUEUE, bareActivities, runBare } from './bare/run';
import type { Commands, Shape } from './bare/workflow';
import { cpuSeconds, log, peakRssMB, r2, runBench } from './lib';
import { startClusterStack, startDevStack, type BenchStack } from './stacks';

export interface Overhead {
  books: number;
  shape: Shape;
  sohoaSec: number;
  bareSec: number;
  sameCommandsSec: number;
  ratio: number;
  ratioSameCommands: number;
  /** CPU seconds of each process over each side's run: where sohoa's extra time goes. */
  cpu: Partial<Record<Side, Record<string, number>>>;
  /** With `parts`: the time of the bare workflow sending one part of the book's publishing. */
  parts?: Record<Part, number>;
}

/** The publishing parts: the start's search attributes and memo, the updates' attributes, the updates' memo. */
const PARTS = ['startPublishing', 'updateAttributes', 'updateMemo'] as const;
/** At most this many slices a round (of at least 50 books each). */
const SLICES = 5;
type Part = (typeof PARTS)[number];
type Side = 'sohoa' | 'bare' | 'sameCommands' | Part;

/**
 * `books` fresh death books (start, confirmed inventory, a priority, withdrawn) against as many bare
 * ones and as many bare ones sending the book's commands, in `rounds` rounds, fresh books each,
 * numbered from round `from` on (a book number is a round's own: 9{round}{nn}); each round's books in
 * slices run by every side in turn: the sums are compared.
 */
export async function measureOverhead(stack: BenchStack, units: Units, books: number, rounds = 1, from = 0, parts = false): Promise<Overhead> {
  const { client, config } = stack;
  // As the API starts them: following the province plan.
  const plan = { ...planSettingsFromConfig(config), followsPlan: true };
  const managerActor = demoActor('manager', 'province', units.provinceCode, 'quanly.tinh');
  const freshBooks = (round: number) =>
    Array.from({ length: books }, (_, i) => {
      const agency = units.agencies[i % units.agencies.length]!;
      const bookNo = `9${round}${String(Math.floor(i / units.agencies.length)).padStart(2, '0')}`;
      return bookSchema.parse({ agency, type: 'death', bookNo, yearFrom: 2019, yearTo: 2019, expectedCases: 40 });
    });
  const sohoaPath = async (book: Book) => {
    await startBook(client, config.TEMPORAL_TASK_QUEUE, book, plan, 3);
    const h = client.workflow.getHandle(workflowIdFor(book));
    const clerkActor = demoActor('clerk', 'agency', book.agency.code, `congchuc.${book.agency.code}`);
    await h.executeUpdate(actionUpdates.confirmInventory, { args: [{ actor: clerkActor, payload: { cases: 40, pages: 80, condition: 'good' } }] });
    await h.executeUpdate(actionUpdates.setPriority, { args: [{ actor: managerActor, payload: { priority: 4, reason: 'thử tải' } }] });
    await h.executeUpdate(actionUpdates.withdraw, { args: [{ actor: managerActor, payload: { reason: 'thử tải: rút sổ' } }] });
    await h.result();
  };
  // What the book's start request publishes, sent by the bare sides that send its commands.
  const startExtras = (b: Book) => {
    const { typedSearchAttributes, memo } = startRequestOf(b, plan, 3, new Date());
    return { typedSearchAttributes, memo };
  };
  // The server's side is Temporal and its database (the cluster's PostgreSQL); the workers', every worker.
  const cpuNow = async () => {
    const cpu = { Temporal: 0, worker: 0, bench: 0 };
    for (const [name, pid] of Object.entries(await stack.processes())) {
      if (name === 'Temporal' || name === 'PostgreSQL') cpu.Temporal += cpuSeconds(pid);
      else if (name.startsWith('worker')) cpu.worker += cpuSeconds(pid);
    }
    const u = process.cpuUsage();
    cpu.bench = (u.user + u.system) / 1e6;
    return cpu;
  };
  const sides: Side[] = ['sohoa', 'bare', 'sameCommands', ...(parts ? PARTS : [])];
  const total = Object.fromEntries(sides.map((k) => [k, { sec: 0, cpu: {} as Record<string, number> }])) as Record<Side, { sec: number; cpu: Record<string, number> }>;
  const inParallel = async <T>(side: Side, xs: readonly T[], fn: (x: T) => Promise<unknown>) => {
    const t0 = performance.now();
    const c0 = await cpuNow();
    await mapLimit(xs, 10, fn);
    const c1 = await cpuNow();
    total[side].sec += (performance.now() - t0) / 1000;
    for (const [k, v] of Object.entries(c1)) total[side].cpu[k] = r2((total[side].cpu[k] ?? 0) + v - c0[k as keyof typeof c0]);
  };
  const bareWorker = await Worker.create({
    connection: await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }),
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: BARE_TASK_QUEUE,
    workflowsPath: new URL('./bare/workflow.ts', import.meta.url).pathname,
    activities: bareActivities,
  });
  // The bare sides' shape and commands, read from the first sohoa book's history (the first slice runs sohoa's side first).
  let path: { shape: Shape; commands: Record<'all' | Part, Commands> } | undefined;
  const runSide = async (side: Side, slice: Book[]) => {
    if (side === 'sohoa') {
      await inParallel(side, slice, sohoaPath);
      if (path) return;
      const { shape, commands } = pathOf(await client.workflow.getHandle(workflowIdFor(slice[0]!)).fetchHistory());
      path = { shape, commands: publishing(commands) };
      return;
    }
    const { shape, commands } = path!;
    const [prefix, sent, start] = BARE_SIDES[side];
    await inParallel(side, slice, (b) => runBare(client, `${prefix}-${workflowIdFor(b)}`, shape, sent && commands[sent], start ? startExtras(b) : {}));
  };
  await bareWorker.runUntil(async () => {
    for (let round = 0; round < rounds; round++) {
      const fresh = freshBooks(from + round);
      // A round in slices, the sides' order turned at each: what else the server and the worker do meanwhile
      // (the API's reload, a checkpoint of the SQLite file, a collection) falls on every side alike.
      const slices = Math.max(1, Math.min(SLICES, Math.floor(fresh.length / 50)));
      const size = Math.ceil(fresh.length / slices);
      for (let k = 0; k < slices; k++) {
        const slice = fresh.slice(k * size, (k + 1) * size);
        for (const side of [...sides.slice(k % sides.length), ...sides.slice(0, k % sides.length)]) await runSide(side, slice);
      }
    }
  });
  const { sohoa, bare, sameCommands } = total;
  return {
    books: books * rounds,
    shape: path!.shape,
    sohoaSec: sohoa.sec,
    bareSec: bare.sec,
    sameCommandsSec: sameCommands.sec,
    ratio: bare.sec / sohoa.sec,
    ratioSameCommands: sameCommands.sec / sohoa.sec,
    cpu: Object.fromEntries(sides.map((k) => [k, total[k].cpu])),
    ...(parts ? { parts: Object.fromEntries(PARTS.map((k) => [k, total[k].sec])) as Record<Part, number> } : {}),
  };
}

/** Each bare side: its workflow ids' prefix, which of the book's commands it sends, whether its start carries the book's attributes and memo. */
const BARE_SIDES: Record<Exclude<Side, 'sohoa'>, [prefix: string, sent: 'all' | Part | undefined, start: boolean]> = {
  bare: ['bare', undefined, false],
  sameCommands: ['bare-commands', 'all', true],
  startPublishing: ['bare-start', 'startPublishing', true],
  updateAttributes: ['bare-attributes', 'updateAttributes', false],
  updateMemo: ['bare-memo', 'updateMemo', false],
};

/** The book's commands whole, and each publishing part alone (the answers and result always sent). */
function publishing(all: Commands): Record<'all' | Part, Commands> {
  const only = (attributes: boolean, memo: boolean): Commands => ({
    ...all,
    updates: all.updates.map((u) => ({ ...u, attributes: attributes ? u.attributes : [], memo: memo ? u.memo : {} })),
  });
  return { all, startPublishing: only(false, false), updateAttributes: only(true, false), updateMemo: only(false, true) };
}

const SA_TYPES: Record<string, SearchAttributeType> = { Keyword: 'KEYWORD', Text: 'TEXT', KeywordList: 'KEYWORD_LIST', Int: 'INT', Double: 'DOUBLE', Bool: 'BOOL', Datetime: 'DATETIME' };

/** A book's path read from its history: its shape, and what it sent at each update and as its result. */
function pathOf(h: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): { shape: Shape; commands: Commands } {
  const events = h.events!;
  const updates: Commands['updates'] = [];
  let resultBytes = 0;
  for (const e of events) {
    const current = updates[updates.length - 1];
    if (e.workflowExecutionUpdateAcceptedEventAttributes) updates.push({ attributes: [], memo: {}, answerBytes: 0 });
    else if (current && e.upsertWorkflowSearchAttributesEventAttributes) {
      for (const [name, p] of Object.entries(e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {})) {
        current.attributes.push({ name, type: SA_TYPES[new TextDecoder().decode(p.metadata!.type!)]! });
      }
    } else if (current && e.workflowPropertiesModifiedEventAttributes) {
      for (const [k, p] of Object.entries(e.workflowPropertiesModifiedEventAttributes.upsertedMemo?.fields ?? {})) current.memo[k] = p.data?.length ?? 0;
    } else if (current && e.workflowExecutionUpdateCompletedEventAttributes) {
      current.answerBytes = e.workflowExecutionUpdateCompletedEventAttributes.outcome?.success?.payloads?.[0]?.data?.length ?? 0;
    } else if (e.workflowExecutionCompletedEventAttributes) {
      resultBytes = e.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]?.data?.length ?? 0;
    }
  }
  const shape = {
    updates: updates.length,
    timers: events.filter((e) => e.timerStartedEventAttributes).length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
  };
  return { shape, commands: { updates, resultBytes } };
}

/** What the benchmarks print for it. */
export const describeOverhead = (o: Overhead) =>
  `chi phí engine: ${o.books} sổ (${o.shape.updates} cập nhật, ${o.shape.timers} hẹn giờ, ${o.shape.activities} hoạt động mỗi sổ): sohoa ${r2(o.sohoaSec)} s, workflow trần ${r2(o.bareSec)} s, tỷ lệ ${r2(o.ratio)}
  workflow trần gửi cùng lệnh như sohoa (thuộc tính tìm kiếm, memo, câu trả lời cùng cỡ): ${r2(o.sameCommandsSec)} s, tỷ lệ ${r2(o.ratioSameCommands)}
  CPU s (sohoa | trần | trần cùng lệnh; worker trần chạy trong tiến trình bench): ${Object.keys(o.cpu.sohoa!).map((k) => `${k} ${o.cpu.sohoa![k]} | ${o.cpu.bare![k]} | ${o.cpu.sameCommands![k]}`).join(', ')}${
    o.parts
      ? `
  từng phần công bố, workflow trần gửi riêng phần đó (thêm so với trần): ${PARTS.map((k) => `${PART_NAMES[k]} ${r2(o.parts![k])} s (+${r2(o.parts![k] - o.bareSec)})`).join(', ')}`
      : ''
  }`;

const PART_NAMES: Record<Part, string> = { startPublishing: 'thuộc tính và memo lúc khởi tạo', updateAttributes: 'thuộc tính mỗi cập nhật', updateMemo: 'memo mỗi cập nhật' };

/** The cluster profile's place for this bench: its own folder and ports. */
const CLUSTER_PLACE = { SOHOA_CLUSTER_DIR: join(ROOT, 'data/cluster-overhead'), SOHOA_CLUSTER_PORT_BASE: process.env.BENCH_CLUSTER_PORT_BASE ?? '28400' };

async function main() {
  const books = Number(process.env.BENCH_OVERHEAD_BOOKS ?? 500);
  const rounds = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 3);
  const parts = process.env.BENCH_OVERHEAD_PARTS === '1';
  // BENCH_OVERHEAD_ENGINE=cluster: on the cluster profile (PostgreSQL, two workers; scripts/cluster/install.sh first).
  const engine = process.env.BENCH_OVERHEAD_ENGINE ?? 'dev';
  const units = loadUnits();
  const planDeadline = new Date(Date.now() + 45 * 86_400_000).toISOString();
  await buildWorkflowBundle();
  stack =
    engine === 'cluster'
      ? await startClusterStack({ place: CLUSTER_PLACE, planDeadline, units })
      : await startDevStack({ dir: await mkdtemp(join(tmpdir(), 'sohoa-bench-overhead-')), taskQueue: 'bench-overhead', planDeadline, units });
  // A first round warms both sides (bundle loaded, connections open); the next ones are measured.
  log(`${stack.label}: khởi động, ${Math.min(50, books)} sổ mỗi bên…`);
  await measureOverhead(stack, units, Math.min(50, books));
  log(`chi phí của sohoa so với Temporal: ${rounds} vòng × ${books} sổ mỗi bên…`);
  const o = await measureOverhead(stack, units, books, rounds, 1, parts);
  console.log(`\n${stack.label}\n${describeOverhead(o)}`);
  const workers = Object.entries(await stack.processes()).filter(([name]) => name.startsWith('worker'));
  const workerPeakMB = Math.max(...workers.map(([, pid]) => peakRssMB(pid)));
  await stack.stop();
  console.log(JSON.stringify({ bench: 'overhead', engine, books: o.books, ratio: r2(o.ratio), peakRssMB: workerPeakMB, ratioSameCommands: r2(o.ratioSameCommands), sohoaSec: r2(o.sohoaSec), bareSec: r2(o.bareSec), sameCommandsSec: r2(o.sameCommandsSec), ...(o.parts ? { parts: Object.fromEntries(Object.entries(o.parts).map(([k, v]) => [k, r2(v)])) } : {}), ...o.shape, cpu: o.cpu }));
}

let stack: BenchStack | undefined;
if (import.meta.url === pathToFileURL(process.argv[1]!).href) await runBench(main, () => stack?.stop());
