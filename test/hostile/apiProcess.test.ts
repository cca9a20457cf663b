import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxGateway } from '../../activities/gateway';
import { FileOutbox } from '../../clients/outbox';
import { ROOT, WORKFLOW_BUNDLE } from '../../clients/paths';
import { FsStore } from '../../clients/storage/fs';
import { UserStore } from '../../clients/users';
import { createWorker } from '../../workers/worker';
import { DevServerProcess } from '../support/devServerProcess';
import { units } from '../support/fixtures';
import { freePort } from '../support/ports';
import { writeHostileXlsx } from './make/xlsx';
import { makeZip } from './make/zip';
import { caseName, casePdf, zipOf } from '../scans/delivery';
import { book as makeBook, users as people } from '../support/fixtures';
import { waitForStatus } from '../support/temporal';
import { actionUpdates } from '../../workflows/definitions';
import { workflowIdFor } from '../../domain/book';
import { artifactKeys } from '../../domain/naming';

/**
 * The attacks of issue 15 sent to a real API process (`api/main.ts`) with a worker beside it: the
 * API only stores the file and waits, the worker reads it. The API's peak RSS (VmHWM) is taken
 * after each attack and written to test-output/hostile-rss.jsonl.
 */
let dir: string;
let server: DevServerProcess;
let api: ChildProcess;
let base: string;
let worker: Worker;
let running: Promise<void>;
let client: Client;
const tokens: Record<string, string> = {};
const queue = `hostile-api-${process.pid}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-hostile-api-'));
  server = await DevServerProcess.start(dir);
  const store = new FsStore(join(dir, 'artifacts'));
  const native = await NativeConnection.connect({ address: server.address });
  client = new Client({ connection: await Connection.connect({ address: server.address }) });
  worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue: queue,
    workflows: { bundlePath: WORKFLOW_BUNDLE },
    deps: { store, outbox: new FileOutbox(join(dir, 'outbox')), gateway: new OutboxGateway(store), temporal: client },
  });
  running = worker.run();
  const users = UserStore.inDataDir(dir, units);
  tokens.manager = (await users.add({ userId: 'quanly.tinh', role: 'manager', scope: 'province', agencyCode: '49' })).token;
  tokens.c06 = (await users.add({ userId: 'c06.tamky', role: 'c06', scope: 'district', agencyCode: '502' })).token;
  tokens.contractor = (await users.add({ userId: 'nhathau.a', role: 'contractor', scope: 'district', agencyCode: '502' })).token;

  const port = await freePort();
  api = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'api/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, SOHOA_DATA_DIR: dir, TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: queue, API_PORT: String(port), SOHOA_LOG_LEVEL: 'warn', SOHOA_PLAN_DEADLINE: '2099-01-01T00:00:00+07:00' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  createInterface({ input: api.stderr! }).on('line', (l) => tail.push(l));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`API not ready:\n${tail.join('\n')}`)), 60_000);
    createInterface({ input: api.stdout! }).on('line', (l) => {
      if (l.startsWith('sohoa API:')) {
        clearTimeout(t);
        resolve();
      }
    });
    api.once('exit', (c) => reject(new Error(`API exited (${c}):\n${tail.join('\n')}`)));
  });
  base = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  api?.kill('SIGKILL');
  worker?.shutdown();
  await running?.catch(() => undefined);
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * What a hostile upload may add to the API's peak: the body passing through to the store. Reading the
 * file in the API took gigabytes (4.6 GB in issue 15); the process's own baseline (tsx, fastify, the
 * routes) is not the attack's and moves with the code, so the growth is what is held.
 */
const MAX_API_GROWTH_MB = 100;

/** The API process's peak resident set so far (MB). */
async function apiPeakMb(): Promise<number> {
  const status = await readFile(`/proc/${api.pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024);
}

async function record(attack: string, peakMb: number, ms: number, refused: string) {
  await mkdir(join(ROOT, 'test-output'), { recursive: true });
  await appendFile(join(ROOT, 'test-output/hostile-rss.jsonl'), JSON.stringify({ attack, process: 'api', at: new Date().toISOString(), maxRssMb: peakMb, ms, refused }) + '\n');
}

async function send(who: 'manager' | 'c06' | 'contractor', path: string, file: string, contentType: string, method = 'POST') {
  const t0 = Date.now();
  const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': contentType }, body: await readFile(file) });
  return { status: r.status, body: (await r.json()) as { error: string; message: string; details?: { path: string }[] }, ms: Date.now() - t0 };
}

/** The parsing workflows that ran on the worker (none would, were the file read in the API). */
const parsed = async (type: string) => (await client.workflow.count(`WorkflowType = "${type}" AND ExecutionStatus = "Failed"`)).count;

const HEADER = ['agencyCode', 'type', 'bookNo', 'yearFrom', ...Array.from({ length: 36 }, (_, i) => `cot${i + 5}`)];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('the API process never reads a hostile file itself', () => {
  it('a 30 MB inventory of 150,000 rows × 40 cells: the worker refuses it at row 50,002 (413); the API stays small', async () => {
    const before = await apiPeakMb();
    const file = join(dir, 'danh-muc.xlsx');
    await writeHostileXlsx(file, { header: HEADER, rows: 150_000, cells: 40 });
    expect((await stat(file)).size).toBeLessThan(32 * 1024 * 1024);
    const r = await send('manager', '/api/registers/import?filename=danh-muc.xlsx', file, XLSX);
    expect(r.status, JSON.stringify(r.body)).toBe(413);
    expect(r.body.message).toMatch(/danh-muc\.xlsx: dòng 50002: .*SOHOA_MAX_INVENTORY_ROWS/);
    expect(r.body.details?.[0]?.path).toBe('danh-muc.xlsx');
    expect(await parsed('parseInventoryUpload')).toBe(1);
    const peak = await apiPeakMb();
    await record(`inventory: ${Math.round((await stat(file)).size / 1048576)} MB xlsx, 150,000 rows × 40 cells (API process; before: ${before} MB)`, peak, r.ms, r.body.message);
    expect(peak - before).toBeLessThan(MAX_API_GROWTH_MB);
  });

  it('the 12 MB C06 workbook of 4 million long shared strings: refused by the worker (413), non-retryable; the API stays small', async () => {
    const before = await apiPeakMb();
    const file = join(dir, 'c06-bom.xlsx');
    await writeHostileXlsx(file, { header: ['SOQUYEN', 'HOTEN'], rows: 3, cells: 2, sharedStrings: 4_000_000, stringChars: 100 });
    const r = await send('c06', '/api/c06/batches?filename=c06-bom.xlsx', file, XLSX);
    expect(r.status, JSON.stringify(r.body)).toBe(413);
    expect(r.body.message).toContain('SOHOA_MAX_XLSX_INFLATED_MB');
    expect(await parsed('intakeC06Upload')).toBe(1);
    const peak = await apiPeakMb();
    await record(`C06: 4M long shared strings, 12 MB xlsx (API process; before: ${before} MB)`, peak, r.ms, r.body.message);
    expect(peak - before).toBeLessThan(MAX_API_GROWTH_MB);
  });

  it("a contractor's 3 MB zip that unpacks to 3 GB: the worker refuses it (413), nothing of it is kept; a good zip then goes through", async () => {
    const book = makeBook({ bookNo: '77', yearFrom: 2016, yearTo: 2016 });
    const id = workflowIdFor(book);
    const created = await fetch(`${base}/api/registers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.manager}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ agencyCode: book.agency.code, type: book.type, bookNo: book.bookNo, yearFrom: book.yearFrom, yearTo: book.yearTo }] }),
    });
    expect(created.status, await created.clone().text()).toBe(200);
    await client.workflow.getHandle(id).executeUpdate(actionUpdates.confirmInventory, { args: [{ actor: people.admin, payload: { cases: 1, pages: 1, condition: 'good' } }] });
    await waitForStatus(client, id, (s) => s.step === 'scan' && s.phase === 'work');

    const before = await apiPeakMb();
    const bomb = join(dir, 'bo-qua.zip');
    const GB = 1 << 30;
    await writeFile(bomb, makeZip([{ name: '__MACOSX/._giao.pdf', zeros: GB }, { name: 'ghi-chu.txt', zeros: GB }, { name: 'trang.tif', zeros: GB }, { name: caseName(book, 1), data: await casePdf(1, 1) }]));
    const r = await send('contractor', `/api/registers/${id}/scans?filename=bo-qua.zip`, bomb, 'application/zip', 'PUT');
    expect(r.status, JSON.stringify(r.body)).toBe(413);
    expect(r.body.details?.[0]).toMatchObject({ path: 'tệp', message: expect.stringContaining('bo-qua.zip: các tệp trong zip bung ra 3072 MB') });
    // Read on the worker, whose run ends with the refusal as its answer (a bad file is not a failed run).
    expect((await client.workflow.count('WorkflowType = "unpackScanDelivery" AND ExecutionStatus = "Completed"')).count).toBe(1);
    const store = new FsStore(join(dir, 'artifacts'));
    expect(await store.list(artifactKeys(book).uploads)).toEqual([]);
    const peak = await apiPeakMb();
    await record(`scans: 3 GB of ignored entries in a 3 MB zip (API process; before: ${before} MB)`, peak, r.ms, r.body.message);
    expect(peak - before).toBeLessThan(MAX_API_GROWTH_MB);

    const good = join(dir, 'giao.zip');
    await writeFile(good, await zipOf([{ name: caseName(book, 1), body: await casePdf(1, 1) }]));
    const ok = await send('contractor', `/api/registers/${id}/scans?filename=giao.zip&submit=false`, good, 'application/zip', 'PUT');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ files: 1 });
    // The zip itself is not kept beside what it held.
    expect((await store.list(artifactKeys(book).uploads)).map((o) => o.key.split('/').pop())).toEqual([caseName(book, 1)]);
  });

  it('the API is still up and its uploads are gone from the store', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const store = new FsStore(join(dir, 'artifacts'));
    expect([...(await store.list('inventory')), ...(await store.list('c06/incoming'))]).toEqual([]);
  });
});
