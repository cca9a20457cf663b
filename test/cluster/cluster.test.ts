import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULES, type ScheduleView } from '../../contracts/v1';
import { TEMPORAL_CLI } from '../../clients/paths';
import { workflowIdFor } from '../../domain/book';
import { localDay } from '../../domain/schedules';
import { artifactKeys } from '../../domain/naming';
import { typeCode } from '../../domain/registerTypes';
import { checkArtifacts } from '../chaos/artifacts';
import { CASES, chaosBooks, excelFile, type ChaosBook } from '../chaos/books';
import { Driver } from '../chaos/driver';
import { Watcher } from '../chaos/watcher';
import { demoBooks } from '../../scripts/lib/demo';
import { units } from '../support/fixtures';
import { openCluster, pidOf, script, services, type ClusterClients } from './cluster';
import { act, createToScan, failedRuns, killMidPackaging, lostUpdates, packagingRun, statusOf, waitStatus, type Kill } from './scenarios';

/**
 * On the cluster that `make up-cluster` starts (PostgreSQL 15, Temporal server on it, MinIO, two
 * workers, the API): a book through every step; kill -9 of the worker packaging a book while the
 * other carries on; the Temporal server, then PostgreSQL restarted while books wait for people; then
 * the backup and restore drill. Nothing lost, no run failed. About five minutes, two of them the
 * killed attempt's heartbeat timeout (2 min) before the other worker retries it.
 */
const books = chaosBooks(7);
const as = (b: ChaosBook, story: ChaosBook['story']): ChaosBook => ({ ...b, story });
const [A, K, W1, W2, D, T, X] = [as(books[0]!, 'done'), books[1]!, as(books[2]!, 'holdAtAcceptance'), as(books[3]!, 'holdAtExcel'), as(books[4]!, 'holdAtExcel'), books[5]!, books[6]!];
const where = (s: { step: string; phase: string; actions: unknown[] }) => ({ step: s.step, phase: s.phase, actions: s.actions.length });

let c: ClusterClients;
let watcher: Watcher;
let driver: Driver;
let pids: Record<string, number>;
const background: Record<string, Promise<void>> = {};

beforeAll(async () => {
  c = await openCluster();
  watcher = new Watcher(c.api);
  watcher.start();
  driver = new Driver(c.api, watcher, Date.now() + 9 * 60_000);
  pids = { 'worker-1': (await pidOf('worker-1'))!, 'worker-2': (await pidOf('worker-2'))! };
  // Books that go their way while the faults happen.
  background.a = driver.drive(A);
  background.holds = Promise.all([driver.drive(W1), driver.drive(W2)]).then(() => undefined);
});
afterAll(async () => {
  await watcher?.stop();
  await c?.close();
});

describe('a province on the cluster: PostgreSQL, Temporal server, MinIO, two workers, the API', () => {
  it('the demo province is loaded as make up loads it, and lists filter on the search attributes (SQL visibility)', async () => {
    const demoIds = demoBooks(units).map((d) => workflowIdFor(d.book));
    const all = await c.api.call<{ items: { id: string }[] }>('manager', 'GET', '/api/registers?pageSize=1000');
    expect(all.status).toBe(200);
    expect(demoIds.filter((id) => !all.body.items.some((b) => b.id === id))).toEqual([]);
    const tamKy = await c.api.call<{ items: { id: string; district: string }[] }>('manager', 'GET', '/api/registers?district=502&pageSize=1000');
    expect(tamKy.body.items.length).toBeGreaterThan(0);
    expect(tamKy.body.items.length).toBeLessThan(all.body.items.length);
    expect(Object.keys(pids)).toHaveLength(2);
    expect(Object.values(pids).every(Boolean)).toBe(true);
  });

  it('a book goes through every step, its scans, PDFs, zip, manifest and Excel in MinIO, each verifying', async () => {
    await background.a;
    expect(where(await statusOf(c.api, A.id))).toMatchObject({ step: 'done', phase: 'closed' });
    const k = artifactKeys(A.book);
    const keys = (await c.store.list(k.prefix)).map((o) => o.key);
    expect(keys).toEqual(expect.arrayContaining([k.manifest, k.zip, k.checksums]));
    expect(keys.filter((x) => x.startsWith(`${k.pdfs}/`)).length).toBe(CASES);
    expect(keys.filter((x) => x.startsWith(`${k.uploads}/`)).length).toBeGreaterThan(0);
    expect(keys.filter((x) => x.endsWith('.xlsx')).length).toBeGreaterThan(0);
    const scratch = await mkdtemp(join(tmpdir(), 'sohoa-cluster-'));
    const check = await checkArtifacts(c.store, scratch).finally(() => rm(scratch, { recursive: true, force: true }));
    expect(check.problems).toEqual([]);
    expect(check.manifests).toBeGreaterThan(0);
  });

  let kill: Kill;
  it('kill -9 of the worker running a book’s packaging cuts it short', async () => {
    await createToScan(c.api, K);
    kill = await killMidPackaging(c, K, pids);
    expect(kill.cutShort).toBe(true);
    await expect.poll(() => pidOf(kill.worker), { timeout: 10_000 }).toBeUndefined();
    // Its people carry on; the packaging comes back on the other worker after its heartbeat timeout.
    background.k = driver.drive(as(K, 'done'));
  });

  let held: Record<string, ReturnType<typeof where>>;
  it('the Temporal server restarts while books wait for people: they wait at the same step with the same actions', async () => {
    await background.holds;
    held = { [W1.id]: where(await statusOf(c.api, W1.id)), [W2.id]: where(await statusOf(c.api, W2.id)) };
    expect(held[W1.id]).toMatchObject({ step: 'acceptance', phase: 'review' });
    expect(held[W2.id]).toMatchObject({ step: 'excel', phase: 'work' });
    await services('restart', 'temporal');
    for (const id of [W1.id, W2.id]) expect(where(await statusOf(c.api, id))).toEqual(held[id]);
  });

  it('PostgreSQL restarts under the server, the workers and the API: they come back, and the books go on to done', async () => {
    await services('restart', 'postgres');
    const ready = await waitReady(c.apiUrl, 120_000);
    expect(ready).toBe(200);
    for (const id of [W1.id, W2.id]) expect(where(await statusOf(c.api, id))).toEqual(held[id]);
    await Promise.all([driver.drive(as(W1, 'done')), driver.drive(as(W2, 'done'))]);
    for (const id of [W1.id, W2.id]) expect(where(await statusOf(c.api, id))).toMatchObject({ step: 'done', phase: 'closed' });
  });

  it('the other worker finished the killed worker’s book; nothing lost, no run failed', async () => {
    await background.k;
    expect(where(await statusOf(c.api, K.id))).toMatchObject({ step: 'done', phase: 'closed' });
    const run = await packagingRun(c, K.id);
    expect(run?.identity.split('@')[0]).toBe(String(pids[kill.survivor]));
    expect(run?.attempt).toBeGreaterThanOrEqual(2);
    expect([...driver.strays]).toEqual([]);
    expect(await lostUpdates(c.api, driver)).toEqual([]);
    expect(await failedRuns(c)).toEqual([]);
    await services('start', kill.worker);
    expect(await pidOf(kill.worker)).toBeDefined();
  });
});

describe('Temporal Schedules on the cluster: the weekly report per district and the daily overdue digest', () => {
  const view = async (id: string) => (await c.api.call<{ items: ScheduleView[] }>('manager', 'GET', '/api/schedules')).body.items.find((s) => s.id === id)!;
  /** Triggered as the province's manager through the API; the run it started, once completed. */
  async function trigger(id: string): Promise<ScheduleView> {
    const before = (await view(id)).lastRun?.at;
    expect((await c.api.call('manager', 'POST', `/api/schedules/${id}/trigger`, { json: { note: 'thử trên cụm' } })).status).toBe(200);
    await expect.poll(async () => { const v = await view(id); return v.lastRun?.at !== before && v.lastRun?.status; }, { timeout: 120_000, interval: 500 }).toBe('completed');
    return view(id);
  }
  const day = () => localDay(new Date().toISOString(), c.config.SOHOA_SCHEDULE_TIME_ZONE);

  it('both were created at start and temporal schedule list on the cluster shows them, with their next runs', async () => {
    const { stdout } = await promisify(execFile)(TEMPORAL_CLI, ['schedule', 'list', '--address', c.config.TEMPORAL_ADDRESS, '--namespace', c.config.TEMPORAL_NAMESPACE, '--output', 'json']);
    const listed = (JSON.parse(stdout) as { scheduleId: string }[]).map((s) => s.scheduleId);
    expect(listed).toEqual(expect.arrayContaining([SCHEDULES.overdueDigest.id, SCHEDULES.weeklyReport.id]));
    for (const id of [SCHEDULES.overdueDigest.id, SCHEDULES.weeklyReport.id]) expect((await view(id)).nextRuns.length).toBeGreaterThan(0);
  });

  it('the weekly report writes a workbook per district into MinIO and tells each district, the file named with its checksum', async () => {
    const run = await trigger(SCHEDULES.weeklyReport.id);
    expect(run.lastRun?.result).toMatch(/tệp báo cáo cho \d+ huyện/);
    const files = await c.store.list(`reports/weekly/${day()}`);
    const tamKy = files.find((f) => f.key.endsWith(`/bao-cao-tien-do-502-${day()}.xlsx`))!;
    expect(tamKy).toBeDefined();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await c.store.getBuffer(tamKy.key)) as never);
    expect(wb.getWorksheet('Theo bước')!.getCell('A1').value).toBe('BÁO CÁO TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH — THÀNH PHỐ TAM KỲ');
    const notices = (await c.api.call<{ items: { districtCode: string; file?: { key: string; sha256: string } }[] }>('manager', 'GET', '/api/notices?kind=weeklyReport&limit=1000')).body.items;
    expect(notices.find((n) => n.districtCode === '502' && n.file?.key === tamKy.key)?.file?.sha256).toBe(tamKy.sha256);
  });

  it('the overdue digest sends at most one notice per agency a day, listing its overdue books', async () => {
    const run = await trigger(SCHEDULES.overdueDigest.id);
    expect(run.lastRun?.result).toMatch(new RegExp(`^ngày ${day().split('-').reverse().join('/')}: \\d+ sổ quá hạn`));
    const digests = (await c.api.call<{ items: { id: string; agencyCode: string }[] }>('manager', 'GET', '/api/notices?kind=overdueDigest&limit=1000')).body.items.filter((n) => n.id.endsWith(`:${day()}`));
    expect(new Set(digests.map((n) => n.agencyCode)).size).toBe(digests.length);
    const again = await trigger(SCHEDULES.overdueDigest.id);
    expect(again.lastRun?.result).toMatch(/, 0 thông báo mới$/);
  });
});

describe('backup and restore drill (scripts/cluster/backup.sh, restore.sh)', () => {
  it('pg_dump and a copy of the bucket; wipe; restore: books carry on where they were, an update is accepted and a timer fires', async () => {
    // D waits for its Excel; T's deadline falls due in 60 s: a timer set before the backup, due
    // while the cluster is wiped or restarting, so it can only fire on the restored cluster.
    await driver.drive(D);
    await createToScan(c.api, T);
    const deadline = new Date(Date.now() + 60_000).toISOString();
    expect(await act(c.api, 'manager', T.id, 'setPlanDeadline', { deadline, reason: 'Diễn tập sao lưu' })).toBe(200);
    const before = { d: where(await statusOf(c.api, D.id)), t: await statusOf(c.api, T.id) };
    expect(before.d).toMatchObject({ step: 'excel', phase: 'work' });
    expect(before.t.overdue).toBe(false);

    const dir = (await script('backup.sh')).trim().split('\n').at(-1)!;
    // Still not overdue once the backup is done: the dump holds the timer, not its firing.
    expect((await statusOf(c.api, T.id)).overdue).toBe(false);
    // Started after the backup: gone once it is restored.
    const x = await c.api.call('manager', 'POST', '/api/registers', {
      json: { items: [{ agencyCode: X.book.agency.code, type: typeCode(X.book.type), bookNo: X.book.bookNo, yearFrom: X.book.yearFrom, yearTo: X.book.yearTo }] },
    });
    expect(x.status).toBe(200);
    await script('restore.sh', '--yes', dir);
    await c.close();
    c = await openCluster();

    expect((await c.api.call('manager', 'GET', `/api/registers/${X.id}`)).status).toBe(404);
    expect(where(await statusOf(c.api, D.id))).toEqual(before.d);
    // The update is accepted, and the validation it starts reads the scans' PDFs from the restored bucket.
    const up = await c.api.call('contractor', 'PUT', `/api/registers/${D.id}/excel`, {
      body: await excelFile(D.book, false),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(up.status).toBe(200);
    expect(where(await waitStatus(c.api, D.id, (s) => s.step === 'excel' && s.phase === 'review', 120_000))).toMatchObject({ step: 'excel', phase: 'review' });
    // The timer fires on the restored cluster: T becomes overdue, and lists say so.
    const t = await waitStatus(c.api, T.id, (s) => s.overdue, Math.max(0, Date.parse(deadline) - Date.now()) + 90_000);
    expect(Date.parse(t.overdueSince!)).toBeGreaterThanOrEqual(Date.parse(deadline));
    // Lists are visibility, written a moment after the workflow's own state.
    const overdueIds = async () =>
      (await c.api.call<{ items: { id: string }[] }>('manager', 'GET', '/api/registers?overdue=true&district=502&pageSize=1000')).body.items?.map((b) => b.id);
    await expect.poll(overdueIds, { timeout: 30_000, interval: 500 }).toContain(T.id);
    expect(await failedRuns(c)).toEqual([]);
  });
});

async function waitReady(apiUrl: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < until) {
    status = await fetch(`${apiUrl}/health/ready`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
    if (status === 200) return status;
    await new Promise((r) => setTimeout(r, 500));
  }
  return status;
}
