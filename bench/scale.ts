/**
 * bench:scale — a province of BENCH_BOOKS books (default 40,000) on the dev server with its SQLite file,
 * the worker, the API and the load each in their own process, measured end to end in one run:
 * starts/s through the API's inventory import and the time until visibility shows every book; p50/p99
 * of a manager's and a clerk's routes from 10 connections; the dashboard in Chromium (overview, a
 * filtered list, its next page, a book page); the worker's RSS with every book open and
 * after a restart, and the time of a book's next action after it; the deadline storm (every open book
 * overdue at once, then the digest); history events and bytes per book; the SQLite file's size; and the
 * engine's own overhead: a bare workflow of the same shape through the same server (bench/overhead.ts).
 * ratio = bare time ÷ sohoa time for the same books' path (1 = sohoa adds nothing to Temporal);
 * ratioSameCommands the same against the bare workflow sending the book's own commands.
 */
import proto from '@temporalio/proto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsStore } from '../clients/storage/fs';
import { buildQuery } from '../clients/temporal/visibilityQuery';
import { loadUnits } from '../clients/units';
import { buildWorkflowBundle } from '../clients/workflowBundle/build';
import type { ListResponse, ProgressReport, ProvincePlan } from '../contracts/v1';
import { driveProvince, importProvince } from '../scripts/lib/generate';
import { cannon, firstTasksRun, log, peakRssMB, r2, rssNowMB, runBench, sleep, startTs, stats, waitFor } from './lib';
import { startDevStack, startWorker, type DevStack } from './stacks';
import { launch, signIn } from '../test/web/browser';
import { walkProvince } from '../test/web/walkProvince';
import { describeOverhead, measureOverhead } from './overhead';

const BOOKS = Number(process.env.BENCH_BOOKS ?? 40_000);
const DRIVEN = Number(process.env.BENCH_DRIVEN ?? Math.min(350, Math.ceil(BOOKS * 0.05)));
const OVERHEAD_BOOKS = Number(process.env.BENCH_OVERHEAD_BOOKS ?? Math.min(500, Math.ceil(BOOKS / 10)));
const ROUTE_SECONDS = Number(process.env.BENCH_ROUTE_SECONDS ?? 5);
const ROUTE_RATE = Number(process.env.BENCH_ROUTE_RATE ?? 40);
const LIVE_TIMEOUT_S = Number(process.env.BENCH_LIVE_TIMEOUT_S ?? 3600);
const units = loadUnits();

async function main() {
  await buildWorkflowBundle();
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-scale-'));
  stack = await startDevStack({ dir, taskQueue: 'bench-scale', planDeadline: new Date(Date.now() + 45 * 86_400_000).toISOString(), units });
  const { client, config, env, url } = stack;
  const manager = (await stack.users.add({ userId: 'quanly.tinh', role: 'manager', scope: 'province', agencyCode: units.provinceCode })).token;
  const commune = units.agencies.find((a) => a.level === 'commune')!;
  const clerk = (await stack.users.add({ userId: `congchuc.${commune.code}`, role: 'clerk', scope: 'agency', agencyCode: commune.code })).token;
  // The API reads its users file again at most once a second.
  await sleep(1500);
  const get = async <T>(path: string, token = manager): Promise<T> => {
    const r = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const post = async <T>(path: string, body: unknown, token = manager): Promise<T> => {
    const r = await fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const put = async <T>(path: string, body: unknown, token = manager): Promise<T> => {
    const r = await fetch(url + path, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`PUT ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  // Overdue books are counted under the province plan's deadline as it is when asked.
  const count = async (filter: Parameters<typeof buildQuery>[2]) => {
    const plan = { deadline: (await get<ProvincePlan>('/api/plan')).deadline, nowMs: Date.now() };
    return (await client.workflow.count(buildQuery(units, { scope: 'province', agencyCode: units.provinceCode }, filter, plan))).count;
  };

  // 1. The province, through the API's inventory import, then a share driven through the steps.
  log(`tạo tỉnh ${BOOKS} sổ (${DRIVEN} sổ đưa qua các bước)…`);
  const genOpts = { api: url, token: manager, books: BOOKS, share: DRIVEN / BOOKS, client, store: new FsStore(join(dir, 'artifacts')), units, progress: process.stdout.isTTY };
  const imported = await importProvince(genOpts);
  const gen = { ...imported, driven: 0, driveSeconds: 0 };
  const startsPerSec = gen.created / gen.importSeconds;
  const tVisible = performance.now();
  await waitFor('visibility', async () => (await count({})) >= gen.created);
  const visibleSec = gen.importSeconds + (performance.now() - tVisible) / 1000;
  log(`nhập ${gen.created} sổ trong ${r2(gen.importSeconds)} s (${r2(startsPerSec)} sổ/s), hiện đủ trong visibility sau ${r2(visibleSec)} s`);
  // Live: each book has run its first workflow task (its timers set). Told every minute; past
  // BENCH_LIVE_TIMEOUT_S the run goes on with what is live by then (the figure says the backlog left).
  const lastIds = gen.lines.slice(-20).map((l) => l.id);
  let backlog = gen.created;
  let told = performance.now();
  await waitFor(
    'mọi sổ chạy bước đầu',
    async () => {
      const r = await firstTasksRun(client, config.TEMPORAL_TASK_QUEUE, lastIds);
      backlog = r.backlog;
      if (performance.now() - told > 60_000) {
        log(`  còn ${backlog} / ${gen.created} sổ chờ bước đầu`);
        told = performance.now();
      }
      return r.done;
    },
    LIVE_TIMEOUT_S,
  ).catch((e: Error) => log(`${e.message}: còn ${backlog} / ${gen.created} sổ chờ, tiếp tục`));
  const live = gen.created - backlog;
  const liveSec = gen.importSeconds + (performance.now() - tVisible) / 1000;
  Object.assign(gen, await driveProvince(genOpts, gen.lines));
  log(`${live} sổ đã chạy bước đầu sau ${r2(liveSec)} s; đưa ${gen.driven} sổ qua các bước trong ${r2(gen.driveSeconds)} s`);
  const total = (p: ProgressReport) => p.rows.reduce((n, r) => n + r.books, 0);
  await waitFor('mô hình đọc của API', async () => total(await get<ProgressReport>('/api/reports/progress?by=step')) >= gen.created, 300);

  // 2. The routes a manager and a clerk use, at that size, from 10 connections.
  const ids = gen.lines.map((l) => l.id);
  // The district with the most books: its lists page (the browser walk turns a page) at any BENCH_BOOKS.
  const perDistrict = new Map<string, number>();
  for (const l of gen.lines) {
    const d = units.findAgency(l.agencyCode)!.districtCode;
    perDistrict.set(d, (perDistrict.get(d) ?? 0) + 1);
  }
  const district = [...perDistrict].sort((a, b) => b[1] - a[1])[0]![0];
  const any = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const routes: [name: string, path: () => string, token: string][] = [
    ['trạng thái một sổ', () => `/api/registers/${any(ids)}`, manager],
    ['danh sách (mới nhất, trang Temporal)', () => '/api/registers?pageSize=50', manager],
    ['danh sách lọc huyện + bước', () => `/api/registers?district=${district}&step=inventory&pageSize=50`, manager],
    ['danh sách lọc loại + nhóm, theo hạn', () => '/api/registers?type=birth&period=p1976&sort=deadline&pageSize=50', manager],
    ['danh sách quá hạn, theo ưu tiên', () => '/api/registers?overdue=true&sort=priority&order=desc&pageSize=50', manager],
    ['danh sách tìm theo chữ', () => `/api/registers?q=${encodeURIComponent(commune.name)}&pageSize=50`, manager],
    ['tổng quan theo huyện', () => '/api/reports/progress?by=district', manager],
    ['tổng quan theo loại sổ', () => '/api/reports/progress?by=type', manager],
    ['tổng quan theo bước', () => '/api/reports/progress?by=step', manager],
    ['việc của công chức xã', () => '/api/registers?status=running&awaitingHuman=true&sort=updated&pageSize=50', clerk],
    ['sổ bị kẹt', () => '/api/reports/stuck', manager],
    ['xuất CSV một huyện', () => `/api/registers/export.csv?district=${district}`, manager],
  ];
  const table: { name: string; n: number; p50: number; p99: number; failed: number }[] = [];
  const all: number[] = [];
  for (const [name, path, token] of routes) {
    const r = await cannon(url, token, path, ROUTE_RATE, ROUTE_SECONDS);
    all.push(...r.lat);
    table.push({ name, ...stats(r.lat), failed: r.failed });
  }
  const overall = stats(all);
  for (const t of table) log(`${t.name.padEnd(40)} n=${t.n} p50=${r2(t.p50)} ms p99=${r2(t.p99)} ms lỗi=${t.failed}`);
  const overviewMs = Math.max(...table.filter((t) => t.name.startsWith('tổng quan')).map((t) => t.p99));

  // The dashboard in Chromium at that size: the overview, a district's running books, the next page, a book.
  const browser = await launch();
  let dashboard: Awaited<ReturnType<typeof walkProvince>>;
  try {
    const page = await browser.page();
    await signIn(page, url, manager);
    dashboard = await walkProvince(page, url, {
      done: (await get<ProgressReport>('/api/reports/progress?by=step')).total.done,
      units,
      district,
      runningInDistrict: await count({ district: [district], status: 'running' }),
    });
  } finally {
    await browser.close();
  }
  log(`bảng điều khiển (Chromium): ${Object.entries(dashboard).map(([k, v]) => `${k} ${r2(v)} ms`).join(', ')}`);

  // 3. The worker with every book open, then restarted (cold cache): a book's next action.
  const workerOpenMB = rssNowMB(stack.worker.pid!);
  const workerPeakMB = peakRssMB(stack.worker.pid!);
  const old = stack.worker;
  old.kill('SIGTERM');
  await new Promise((r) => old.once('exit', r));
  stack.worker = startWorker(env);
  const next = gen.lines.find((l) => l.agencyCode === commune.code && !gen.driven) ?? gen.lines.find((l) => l.agencyCode === commune.code)!;
  const tAction = performance.now();
  const acted = await fetch(`${url}/api/registers/${next.id}/actions/addNote`, { method: 'POST', headers: { authorization: `Bearer ${clerk}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Ghi chú sau khi khởi động lại worker' }) });
  const nextActionMs = performance.now() - tAction;
  if (!acted.ok) throw new Error(`thao tác sau khởi động lại: ${acted.status} ${await acted.text()}`);
  await sleep(5000);
  const workerColdMB = rssNowMB(stack.worker.pid!);
  log(`worker: RSS ${workerOpenMB} MB mọi sổ mở (đỉnh ${workerPeakMB} MB), ${workerColdMB} MB sau khởi động lại; thao tác kế tiếp ${r2(nextActionMs)} ms`);

  // 4. The deadline storm: the province plan's deadline moved into the past, every open book overdue at
  // once: in visibility's count and in the manager's overview.
  log('hạn kế hoạch của tỉnh lùi về quá khứ: mọi sổ đang thực hiện quá hạn…');
  const running = await count({ status: 'running' });
  const tStorm = performance.now();
  await put<ProvincePlan>('/api/plan/deadline', { deadline: new Date(Date.now() - 86_400_000).toISOString(), reason: 'Thử tải: hạn kế hoạch đã qua' });
  await waitFor('mọi sổ quá hạn', async () => (await count({ status: 'running', overdue: true })) >= running, 1800);
  await waitFor('tổng quan: mọi sổ quá hạn', async () => (await get<ProgressReport>('/api/reports/progress?by=district')).total.overdue >= running, 600);
  const overdueSec = (performance.now() - tStorm) / 1000;
  const before = Date.now();
  await post('/api/schedules/sohoa-overdue-digest/trigger', { reason: 'thử tải' });
  type Notices = { items: { kind: string; createdAt: string; agencyCode?: string; workflowIds?: string[] }[] };
  let digests: Notices['items'] = [];
  await waitFor('thông báo tổng hợp', async () => {
    digests = (await get<Notices>('/api/notices?kind=overdueDigest&limit=5000')).items.filter((n) => Date.parse(n.createdAt) >= before);
    return digests.reduce((n, d) => n + (d.workflowIds?.length ?? 0), 0) >= running;
  }, 1800);
  const stormSec = (performance.now() - tStorm) / 1000;
  const perBookNotices = (await get<Notices>('/api/notices?kind=overdue&limit=5000')).items.length;
  log(`bão hạn: ${running} sổ quá hạn sau ${r2(overdueSec)} s, ${digests.length} thông báo tổng hợp sau ${r2(stormSec)} s`);

  // 5. History per book after its whole path, and the SQLite file.
  const done = (await get<ListResponse>('/api/registers?step=done&status=all&pageSize=20')).items;
  const histories = await Promise.all(done.map(async (b) => client.workflow.getHandle(b.id).fetchHistory()));
  const events = histories.map((h) => h.events?.length ?? 0);
  const bytes = histories.map((h) => proto.temporal.api.history.v1.History.encode(h).finish().length);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const sqliteMB = (await stack.databaseMB()).SQLite!;

  // 6. Engine overhead: the same path for fresh books through sohoa and through a bare workflow.
  log(`chi phí của sohoa so với Temporal: ${OVERHEAD_BOOKS} sổ mỗi bên…`);
  const overhead = await measureOverhead(stack, units, OVERHEAD_BOOKS);

  const f = (x: number, w: number) => r2(x).toFixed(1).padStart(w);
  console.log(`\n${BOOKS} sổ trên máy chủ dev (SQLite ${r2(sqliteMB)} MB); ${ROUTE_RATE} yêu cầu/s từ 10 kết nối, ${ROUTE_SECONDS} s mỗi đường dẫn\n`);
  console.log(`${'đường dẫn'.padEnd(40)}${'n'.padStart(6)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'lỗi'.padStart(6)}`);
  for (const t of table) console.log(`${t.name.padEnd(40)}${String(t.n).padStart(6)}${f(t.p50, 9)}${f(t.p99, 9)}${String(t.failed).padStart(6)}`);
  console.log(`
khởi tạo qua API: ${r2(startsPerSec)} sổ/s; đủ trong visibility sau ${r2(visibleSec)} s
worker: RSS ${workerOpenMB} MB khi mọi sổ mở (đỉnh ${workerPeakMB} MB); sau khởi động lại ${workerColdMB} MB; thao tác kế tiếp ${r2(nextActionMs)} ms
bão hạn: ${running} sổ quá hạn sau ${r2(overdueSec)} s; ${digests.length} thông báo tổng hợp (không quá một mỗi đơn vị) sau ${r2(stormSec)} s; ${perBookNotices} thông báo quá hạn riêng từng sổ
bảng điều khiển (Chromium): tổng quan ${r2(dashboard.overview)} ms, danh sách lọc ${r2(dashboard.filteredList)} ms, trang sau ${r2(dashboard.nextPage)} ms, trang một sổ ${r2(dashboard.bookPage)} ms
lịch sử mỗi sổ đã hoàn thành: ${r2(avg(events))} sự kiện, ${r2(avg(bytes) / 1024)} KB
${describeOverhead(overhead)}`);

  await stack.stop();
  console.log(
    JSON.stringify({
      bench: 'scale',
      books: BOOKS,
      ratio: r2(overhead.ratio),
      ratioSameCommands: r2(overhead.ratioSameCommands),
      peakRssMB: workerPeakMB,
      p50Ms: r2(overall.p50),
      p99Ms: r2(overall.p99),
      startsPerSec: r2(startsPerSec),
      overviewMs: r2(overviewMs),
      stormSec: r2(stormSec),
      overdueSec: r2(overdueSec),
      visibleSec: r2(visibleSec),
      liveSec: r2(liveSec),
      liveBooks: live,
      workerOpenMB,
      workerColdMB,
      nextActionMs: r2(nextActionMs),
      historyEvents: r2(avg(events)),
      historyKB: r2(avg(bytes) / 1024),
      sqliteMB: r2(sqliteMB),
      digests: digests.length,
      statusP99Ms: r2(table[0]!.p99),
      dashboardMaxMs: r2(Math.max(...Object.values(dashboard))),
      failed: table.reduce((n, t) => n + t.failed, 0),
    }),
  );
}

let stack: DevStack | undefined;
// The province's data folder goes with the stack (BENCH_KEEP=1 keeps it).
await runBench(main, () => stack?.stop());
