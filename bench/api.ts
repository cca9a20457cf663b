import { loadUnits } from '../clients/units';
/**
 * bench:api — with 2,000 books running, the API's status and filtered-list routes at 200 requests/s
 * (autocannon, 10 connections), against the same Temporal client calls made directly (a describe,
 * whose memo holds the book's status; one visibility page for the list) with the same
 * load shape (10 loops, autocannon's per-second quotas) as the baseline. As deployed: the worker, the API and the load each in their own
 * process, on a Temporal dev server. Prints p50/p99 and ratios; ends with one JSON line.
 * ratio = baseline p50 ÷ API p50 on the status route (1 = the API adds nothing); listRatio the same for the list.
 */
import { Client, Connection } from '@temporalio/client';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserStore } from '../clients/users';
import { bookFilterSchema } from '../contracts/v1/filters';
import { buildQuery } from '../clients/temporal/visibilityQuery';
import { registerTypes, typeCode } from '../domain/registerTypes';
import { buildWorkflowBundle } from '../clients/workflowBundle/build';
import { WORKFLOW_BUNDLE } from '../clients/paths';
import { cannon, CONNECTIONS, freePort, peakRssMB, r2, startTs, stats, stopChildren } from './lib';
import { startWorker } from './stacks';
import { startDevServer } from '../test/support/temporal';

const BOOKS = Number(process.env.BENCH_BOOKS ?? 2000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const LIST_FILTER = { district: '502', step: 'inventory' };
const units = loadUnits();
const AGENCIES = units.agencies;
const PROVINCE = { scope: 'province' as const, agencyCode: units.provinceCode };

/**
 * The baseline's load, shaped exactly like autocannon's `overallRate`: each of `connections` loops
 * may send rate/connections requests a second, back to back (each waits for its answer), and
 * waits for the next second once its quota is spent. Same concurrency, same bursts.
 */
async function rateLimited(fn: () => Promise<unknown>, rate: number, seconds: number, connections = CONNECTIONS): Promise<number[]> {
  const lat: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, j) => {
      const quota = Math.floor(rate / connections) + (j < rate % connections ? 1 : 0);
      for (let second = 0; start + second * 1000 < end; second++) {
        const wait = start + second * 1000 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        for (let i = 0; i < quota && performance.now() < end; i++) {
          const t0 = performance.now();
          await fn();
          lat.push(performance.now() - t0);
        }
      }
    }),
  );
  return lat;
}

async function main() {
  if (!existsSync(WORKFLOW_BUNDLE)) await buildWorkflowBundle();
  const env = await startDevServer();
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-bench-api-'));
  const port = await freePort();
  const common = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: 'bench-api',
    SOHOA_DATA_DIR: dir,
    SOHOA_PLAN_DEADLINE: '2099-01-01T00:00:00+07:00',
  };
  const { token } = await UserStore.inDataDir(dir, units).add({ userId: 'quanly.tinh', role: 'manager', scope: 'province', agencyCode: units.provinceCode });
  startWorker(common);
  // Production logging (info, two lines a request) to the API's stdout, discarded here.
  const api = startTs('api/main.ts', { ...common, API_HOST: '127.0.0.1', API_PORT: String(port), SOHOA_LOG_LEVEL: 'info' }, 'ignore');
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 600 || api.exitCode !== null) throw new Error('API did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const client = new Client({ connection: await Connection.connect({ address: env.address }), namespace: 'default' });

  // 2,000 books across every agency, type and period, registered through the API.
  const items = Array.from({ length: BOOKS }, (_, i) => ({
    agencyCode: AGENCIES[i % AGENCIES.length]!.code,
    type: typeCode(registerTypes[Math.floor(i / AGENCIES.length) % registerTypes.length]!),
    bookNo: String(1 + Math.floor(i / 300)).padStart(2, '0'),
    yearFrom: 1990 + (i % 30),
  }));
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < items.length; i += 500) {
    const r = await fetch(`${url}/api/registers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ items: items.slice(i, i + 500) }) });
    for (const it of ((await r.json()) as { items: Array<{ id: string; result: string; reason?: string }> }).items) {
      if (it.result !== 'created') throw new Error(`${it.id}: ${it.result} ${it.reason ?? ''}`);
      ids.push(it.id);
    }
  }
  const startSeconds = (performance.now() - t0) / 1000;
  while ((await client.workflow.count(buildQuery(units, PROVINCE, { status: 'running' }))).count < BOOKS) await new Promise((r) => setTimeout(r, 250));
  const query = buildQuery(units, PROVINCE, bookFilterSchema.parse(LIST_FILTER));
  const matching = (await client.workflow.count(query)).count;

  const randomId = () => ids[Math.floor(Math.random() * ids.length)]!;
  const statusPath = () => `/api/registers/${randomId()}`;
  const listPath = () => `/api/registers?district=${LIST_FILTER.district}&step=${LIST_FILTER.step}&pageSize=50`;
  // The call the status route makes: the describe that carries the book's status in its memo.
  const baselineStatus = () => client.workflow.getHandle(randomId()).describe();
  // The call the list route makes: one page of the same visibility query.
  const baselineList = async () => {
    const page = [];
    for await (const w of client.workflow.list({ query, pageSize: 50 })) if (page.push(w) >= 50) break;
    return page;
  };

  // Warm-up: every book read once through the API (books started today answer from their memo, the
  // worker not asked), both paths exercised.
  for (let i = 0; i < ids.length; i += 20) await Promise.all(ids.slice(i, i + 20).map((id) => fetch(`${url}/api/registers/${id}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.arrayBuffer())));
  await rateLimited(baselineStatus, 100, 2);
  await cannon(url, token, statusPath, 100, 2);
  await rateLimited(baselineList, 50, 2);
  await cannon(url, token, listPath, 50, 2);

  // Rounds alternate which side goes first, so drift (GC, caches, neighbours on the machine) falls on both.
  const ROUNDS = 5;
  const per = Math.max(1, Math.round(SECONDS / ROUNDS));
  const lat = { bStatus: [] as number[], aStatus: [] as number[], bList: [] as number[], aList: [] as number[] };
  const failed = { status: 0, list: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const runs: Array<() => Promise<void>> = [
      async () => void lat.bStatus.push(...(await rateLimited(baselineStatus, RATE, per))),
      async () => {
        const r = await cannon(url, token, statusPath, RATE, per);
        lat.aStatus.push(...r.lat);
        failed.status += r.failed;
      },
      async () => void lat.bList.push(...(await rateLimited(baselineList, RATE, per))),
      async () => {
        const r = await cannon(url, token, listPath, RATE, per);
        lat.aList.push(...r.lat);
        failed.list += r.failed;
      },
    ];
    const order = round % 2 === 0 ? [0, 1, 2, 3] : [1, 0, 3, 2];
    for (const i of order) await runs[i]!();
  }
  const [bStatus, aStatus, bList, aList] = [stats(lat.bStatus), stats(lat.aStatus), stats(lat.bList), stats(lat.aList)];
  const apiPeak = peakRssMB(api.pid!);

  const f = (x: number, w: number) => r2(x).toFixed(2).padStart(w);
  console.log(
    `\n${BOOKS} sổ đang chạy (tạo qua API trong ${r2(startSeconds)} s, ${Math.round(BOOKS / startSeconds)} sổ/s); danh sách lọc khớp ${matching} sổ; ` +
      `${RATE} yêu cầu/s, ${CONNECTIONS} kết nối, ${ROUNDS} lượt × ${per} s mỗi phép đo (xen kẽ API và baseline); worker, API và tải ở ba tiến trình\n`,
  );
  console.log(`${'route'.padEnd(56)}${'n'.padStart(6)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}   ${'baseline'.padEnd(26)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ratio p50'.padStart(11)}`);
  for (const [name, a, bname, b] of [
    ['GET /api/registers/:id', aStatus, 'handle.describe() (memo)', bStatus],
    [`GET ${listPath()}`, aList, 'workflow.list (1 page/50)', bList],
  ] as const) {
    console.log(`${name.padEnd(56)}${String(a.n).padStart(6)}${f(a.p50, 9)}${f(a.p99, 9)}   ${bname.padEnd(26)}${f(b.p50, 9)}${f(b.p99, 9)}${f(b.p50 / a.p50, 11)}`);
  }
  console.log(`\nyêu cầu API lỗi: status ${failed.status}, list ${failed.list}; RSS đỉnh của API ${apiPeak} MB`);

  stopChildren();
  await client.connection.close();
  await env.teardown();
  console.log(
    JSON.stringify({
      bench: 'api',
      ratio: r2(bStatus.p50 / aStatus.p50),
      peakRssMB: apiPeak,
      p50Ms: r2(aStatus.p50),
      p99Ms: r2(aStatus.p99),
      baselineP50Ms: r2(bStatus.p50),
      baselineP99Ms: r2(bStatus.p99),
      listRatio: r2(bList.p50 / aList.p50),
      listP50Ms: r2(aList.p50),
      listP99Ms: r2(aList.p99),
      listBaselineP50Ms: r2(bList.p50),
      listBaselineP99Ms: r2(bList.p99),
      books: BOOKS,
      rate: RATE,
      seconds: ROUNDS * per,
      failed: failed.status + failed.list,
    }),
  );
}

try {
  await main();
} finally {
  stopChildren();
}
