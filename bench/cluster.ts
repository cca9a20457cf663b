/**
 * bench:cluster — the same workload on the dev server (SQLite, one worker) and on the cluster profile
 * (PostgreSQL, Temporal server, MinIO, two workers), one after the other in one run, each started and
 * stopped here: BENCH_BOOKS books (default 5,000) started through the API's inventory import, then
 * BENCH_DRIVEN of them (default 1,000) driven through every step with small files over HTTP from 10
 * connections, their changes at a steady BENCH_RATE a second (default 5; 0 sends each as soon as its
 * book is ready, for the engine's ceiling). Measured on each:
 * starts/s, actions/s, p50/p99 of a clerk's or manager's action round trip (uploads apart), the time of
 * a book's automatic steps, each worker's peak RSS, the database's size.
 * ratio = cluster actions/s ÷ dev-server actions/s; the JSON's other figures are the cluster's.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../clients/paths';
import { createStore } from '../clients/storage';
import { loadUnits } from '../clients/units';
import { dataStepFor, STEP_LABELS_VI, type Step } from '../domain/plan';
import { bookSchema } from '../domain/book';
import { importProvince } from '../scripts/lib/generate';
import { provinceInventory } from '../scripts/lib/province';
import { CONNECTIONS, cpuSeconds, firstTasksRun, log, peakRssMB, r2, rssNowMB, sleep, stats, waitFor } from './lib';
import { driveBooks, makePeople, prepareFiles, UPLOADS, type DriveResult, type Kind } from './desks';
import { removeCluster, startClusterStack, startDevStack, type BenchStack } from './stacks';

const BOOKS = Number(process.env.BENCH_BOOKS ?? 5000);
const DRIVEN = Math.min(BOOKS, Number(process.env.BENCH_DRIVEN ?? 1000));
/**
 * Changes a second sent by the desks together: 5 is far above a province's working hours (40,000 books
 * × 7 changes in a year) and about half what the cluster sustains on a 2-core machine, so the latencies
 * are those of a loaded engine, not of a saturated one. 0: each as soon as its book is ready (the ceiling).
 */
const RATE = Number(process.env.BENCH_RATE ?? 5);
/** Its own folder and ports: beside a `make up-cluster` (17000) and the test cluster (27000). */
const PLACE = { SOHOA_CLUSTER_DIR: join(ROOT, 'data/cluster-bench'), SOHOA_CLUSTER_PORT_BASE: process.env.BENCH_CLUSTER_PORT_BASE ?? '28000' };
const units = loadUnits();
const planDeadline = new Date(Date.now() + 45 * 86_400_000).toISOString();

interface EngineRun {
  label: string;
  upSeconds: number;
  created: number;
  importSeconds: number;
  liveSeconds: number;
  drive: DriveResult;
  /** Peak and final RSS (MB) and CPU seconds during the drive, by process. */
  processes: Record<string, { peak: number; now: number; cpu: number }>;
  databaseMB: Record<string, number>;
}

// The workload, the same for both engines: the province's inventory and the driven books (every k-th) with their files.
const lines = provinceInventory(units, BOOKS);
// A C06 batch names its book by unit, type, number and year: a book that another one of the same number
// overlaps in years is left for a person to choose (ambiguous), so the bench drives books C06 can name.
const numbered = new Map<string, typeof lines>();
for (const l of lines) numbered.set(`${l.agencyCode}|${l.type}|${l.bookNo}`, [...(numbered.get(`${l.agencyCode}|${l.type}|${l.bookNo}`) ?? []), l]);
const nameable = lines.filter(
  (l) =>
    dataStepFor(l.type, units.findAgency(l.agencyCode)!.level) !== 'c06' ||
    numbered.get(`${l.agencyCode}|${l.type}|${l.bookNo}`)!.every((o) => o === l || o.yearTo < l.yearFrom || o.yearFrom > l.yearTo),
);
const driven = Array.from({ length: DRIVEN }, (_, i) => nameable[Math.floor((i * nameable.length) / DRIVEN)]!).map((l) => ({
  id: l.id,
  book: bookSchema.parse({ agency: units.findAgency(l.agencyCode)!, type: l.type, bookNo: l.bookNo, yearFrom: l.yearFrom, yearTo: l.yearTo, expectedCases: l.expectedCases }),
}));

let current: BenchStack | undefined;
let clusterBegun = false;
const cleanUp = async () => {
  await current?.stop();
  if (clusterBegun) await removeCluster(PLACE);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: dừng và dọn…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function run(start: () => Promise<BenchStack>): Promise<EngineRun> {
  const t0 = performance.now();
  const stack = (current = await start());
  const upSeconds = (performance.now() - t0) / 1000;
  log(`${stack.label}: chạy sau ${r2(upSeconds)} s`);
  const people = await makePeople(stack.users, units, driven.map((d) => d.book.agency.code));
  // The API reads its users file again at most once a second.
  await sleep(1500);

  const imported = await importProvince({ api: stack.url, token: people.manager, books: BOOKS, share: 0, client: stack.client, store: await createStore(stack.config), units, progress: process.stdout.isTTY });
  if (imported.created !== BOOKS) throw new Error(`nhập danh mục: ${imported.created} sổ tạo mới, ${imported.existing} đã có, ${imported.rejected} bị từ chối (cần ${BOOKS})`);
  const tLive = performance.now();
  const lastIds = imported.lines.slice(-20).map((l) => l.id);
  await waitFor('mọi sổ chạy bước đầu', async () => (await firstTasksRun(stack.client, stack.config.TEMPORAL_TASK_QUEUE, lastIds)).done);
  const liveSeconds = imported.importSeconds + (performance.now() - tLive) / 1000;
  log(`${stack.label}: nhập ${imported.created} sổ trong ${r2(imported.importSeconds)} s, mọi sổ chạy bước đầu sau ${r2(liveSeconds)} s; đưa ${DRIVEN} sổ qua các bước…`);

  const pids = await stack.processes();
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const drive = await driveBooks(stack.url, people, driven, files, { connections: CONNECTIONS, rate: RATE });
  const out: EngineRun = {
    label: stack.label,
    upSeconds,
    created: imported.created,
    importSeconds: imported.importSeconds,
    liveSeconds,
    drive,
    processes: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, { peak: peakRssMB(pid), now: rssNowMB(pid), cpu: cpuSeconds(pid) - cpu0[name]! }])),
    databaseMB: await stack.databaseMB(),
  };
  log(`${stack.label}: ${drive.done} sổ hoàn thành trong ${r2(drive.seconds)} s`);
  await stack.stop();
  current = undefined;
  return out;
}

const all = (d: DriveResult, pick: (k: Kind) => boolean) => [...d.requests].filter(([k]) => pick(k)).flatMap(([, v]) => v);
const figures = (e: EngineRun) => {
  const actions = stats(all(e.drive, (k) => !UPLOADS.includes(k)));
  const uploads = stats(all(e.drive, (k) => UPLOADS.includes(k)));
  const count = actions.n + uploads.n;
  return {
    startsPerSec: e.created / e.importSeconds,
    actionsPerSec: count / e.drive.seconds,
    actions,
    uploads,
    automatic: stats(e.drive.automaticPerBook),
    peakRssMB: Math.max(...Object.entries(e.processes).filter(([name]) => name.startsWith('worker')).map(([, p]) => p.peak)),
    failed: [...e.drive.failed.values()].reduce((a, b) => a + b, 0),
  };
};

let files: Awaited<ReturnType<typeof prepareFiles>>;
try {
  // Checked before the dev server's half, not half an hour later.
  const missing = [join(ROOT, '.tools/bin/temporal-server'), join(ROOT, '.tools/bin/temporal-sql-tool'), '/usr/lib/postgresql/15/bin/initdb'].filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`thiếu ${missing.join(', ')}: chạy scripts/cluster/install.sh (make bench-cluster cài sẵn)`);
  log(`chuẩn bị tệp cho ${DRIVEN} sổ…`);
  files = await prepareFiles(driven);
  const dev = await run(async () =>
    startDevStack({ dir: await mkdtemp(join(tmpdir(), 'sohoa-bench-cluster-')), taskQueue: 'bench-cluster', planDeadline, units }),
  );
  clusterBegun = true;
  const cluster = await run(() => startClusterStack({ place: PLACE, planDeadline, units }));
  clusterBegun = false;
  print(dev, cluster);
} finally {
  await cleanUp();
}

function print(dev: EngineRun, cluster: EngineRun) {
  const runs = [dev, cluster];
  const [d, c] = runs.map(figures) as [ReturnType<typeof figures>, ReturnType<typeof figures>];
  const W = 44;
  const COL = 28;
  const row = (name: string, cell: (e: EngineRun, f: ReturnType<typeof figures>) => string) =>
    console.log(`${name.padEnd(W)}${runs.map((e, i) => cell(e, [d, c][i]!).padStart(COL)).join('')}`);
  const n = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
  const pp = (s: { p50: number; p99: number }) => `${n(s.p50)} / ${n(s.p99)}`;
  const kinds = [...new Set(runs.flatMap((e) => [...e.drive.requests.keys()]))];
  const steps = [...new Set(runs.flatMap((e) => [...e.drive.automatic.keys()]))] as Step[];
  const processes = [...new Set(runs.flatMap((e) => Object.keys(e.processes)))];
  const dbs = [...new Set(runs.flatMap((e) => Object.keys(e.databaseMB)))];

  const pace = RATE ? `${RATE} thao tác/s đều đặn` : 'thao tác gửi ngay khi sổ sẵn sàng';
  console.log(`\n${BOOKS} sổ nhập qua API, ${DRIVEN} sổ đưa qua mọi bước với tệp nhỏ, ${CONNECTIONS} kết nối, ${pace}\n`);
  row('', (e) => e.label);
  row('khởi động (s)', (e) => n(e.upSeconds));
  row('khởi tạo qua API (sổ/s)', (_, f) => n(f.startsPerSec));
  row('mọi sổ chạy bước đầu sau (s)', (e) => n(e.liveSeconds));
  row(`đưa ${DRIVEN} sổ tới hoàn thành (s)`, (e) => n(e.drive.seconds));
  row('thao tác/s (kể cả tải tệp)', (_, f) => n(f.actionsPerSec, 2));
  row('thao tác công chức, quản lý p50 / p99 ms', (_, f) => pp(f.actions));
  for (const k of kinds.filter((x) => !UPLOADS.includes(x))) row(`  ${k} (n) p50 / p99`, (e) => `(${e.drive.requests.get(k)?.length ?? 0}) ${pp(stats(e.drive.requests.get(k) ?? []))}`);
  row('tải tệp p50 / p99 ms', (_, f) => pp(f.uploads));
  for (const k of kinds.filter((x) => UPLOADS.includes(x))) row(`  ${k} (n) p50 / p99`, (e) => `(${e.drive.requests.get(k)?.length ?? 0}) ${pp(stats(e.drive.requests.get(k) ?? []))}`);
  row('bước tự động của một sổ p50 / p99 ms', (_, f) => pp(f.automatic));
  for (const s of steps) row(`  ${STEP_LABELS_VI[s] ?? s} p50 / p99`, (e) => pp(stats(e.drive.automatic.get(s) ?? [])));
  row('yêu cầu lỗi / đọc trạng thái', (e, f) => `${f.failed} / ${e.drive.statusReads}`);
  for (const p of processes) row(`${p}: RSS đỉnh (cuối) MB, CPU s khi đưa sổ`, (e) => (e.processes[p] ? `${e.processes[p].peak} (${e.processes[p].now}), ${n(e.processes[p].cpu)}` : ''));
  for (const db of dbs) row(`${db} (MB)`, (e) => (e.databaseMB[db] === undefined ? '' : n(e.databaseMB[db])));

  console.log(
    JSON.stringify({
      bench: 'cluster',
      books: BOOKS,
      driven: DRIVEN,
      rate: RATE,
      ratio: r2(c.actionsPerSec / d.actionsPerSec),
      peakRssMB: c.peakRssMB,
      p50Ms: r2(c.actions.p50),
      p99Ms: r2(c.actions.p99),
      startsPerSec: r2(c.startsPerSec),
      actionsPerSec: r2(c.actionsPerSec),
      uploadP99Ms: r2(c.uploads.p99),
      automaticP50Ms: r2(c.automatic.p50),
      automaticP99Ms: r2(c.automatic.p99),
      databaseMB: r2(Object.values(cluster.databaseMB).reduce((a, b) => a + b, 0)),
      failed: c.failed,
      devActionsPerSec: r2(d.actionsPerSec),
      devStartsPerSec: r2(d.startsPerSec),
      devP50Ms: r2(d.actions.p50),
      devP99Ms: r2(d.actions.p99),
      devPeakRssMB: d.peakRssMB,
      devDatabaseMB: r2(Object.values(dev.databaseMB).reduce((a, b) => a + b, 0)),
    }),
  );
}
