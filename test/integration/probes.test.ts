import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../clients/paths';
import { UserStore } from '../../clients/users';
import { book, units, users } from '../support/fixtures';
import { DevServerProcess } from '../support/devServerProcess';
import { freePort } from '../support/ports';
import { WorkerProcess } from '../support/workerProcess';

/**
 * The worker and the API processes as an orchestrator sees them. The worker (WORKER_HEALTH_PORT, WORKER_METRICS_PORT): live and
 * ready while it polls, not ready while Temporal is away, the SDK's metrics for Prometheus, and a
 * SIGTERM that drains and exits on its own.
 */
let dir: string;
let temporal: DevServerProcess;
let worker: WorkerProcess;
let health: string;
let metrics: string;

const get = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(5000) }).then(async (r) => ({ status: r.status, text: await r.text() }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-probes-'));
  temporal = await DevServerProcess.start(dir);
  const [hp, mp] = [await freePort(), await freePort()];
  health = `http://127.0.0.1:${hp}`;
  metrics = `http://127.0.0.1:${mp}/metrics`;
  worker = new WorkerProcess({
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'sohoa-probes',
    SOHOA_DATA_DIR: join(dir, 'data'),
    WORKER_HEALTH_PORT: String(hp),
    WORKER_METRICS_PORT: String(mp),
  });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await temporal?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('worker probes and metrics', () => {
  it('answers live and ready while it polls, and serves the SDK metrics', async () => {
    expect(await get(`${health}/health/live`)).toMatchObject({ status: 200 });
    const ready = await get(`${health}/health/ready`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'ok', state: 'RUNNING' });
    const m = await get(metrics);
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/temporal_num_pollers\{.*task_queue="sohoa-probes".*\}/);
    expect(m.text).toContain('temporal_worker_task_slots_available');
  });

  it('is live but not ready while Temporal is away, ready again once it is back', async () => {
    await temporal.stop();
    expect(await get(`${health}/health/live`)).toMatchObject({ status: 200 });
    const down = await get(`${health}/health/ready`);
    expect(down.status).toBe(503);
    expect(JSON.parse(down.text)).toMatchObject({ status: 'not-ready' });
    await temporal.restart();
    await expect.poll(async () => (await get(`${health}/health/ready`)).status, { timeout: 30_000, interval: 500 }).toBe(200);
  });

  it('SIGTERM drains the worker and it exits by itself, well before the SIGKILL fallback', async () => {
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeLessThan(12_000);
    expect(worker.running).toBe(false);
    await expect(get(`${health}/health/live`)).rejects.toThrow();
  });
});

describe('API shutdown', () => {
  it('SIGTERM: the request in flight is finished and answered, new ones are refused, the process exits 0', async () => {
    const dataDir = join(dir, 'api-data');
    const { token } = await UserStore.inDataDir(dataDir, units).add({ ...users.manager });
    const port = await freePort();
    const api = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'api/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, SOHOA_DATA_DIR: dataDir, API_PORT: String(port), SOHOA_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => api.once('exit', (code) => r(code)));
    const base = `http://127.0.0.1:${port}`;
    await expect.poll(() => get(`${base}/health/ready`).then((r) => r.status, () => 0), { timeout: 60_000, interval: 500 }).toBe(200);

    // A slow client: half of the body now, SIGTERM, the other half a second later.
    const b = book({ agencyCode: '502', type: 'birth', bookNo: '77', yearFrom: 2016, yearTo: 2016 });
    const json = JSON.stringify({ items: [{ agencyCode: '502', type: 'KS', bookNo: b.bookNo, yearFrom: 2016, yearTo: 2016 }] });
    let push!: (chunk: string | null) => void;
    const body = new ReadableStream<Uint8Array>({
      start(ctrl) {
        push = (chunk) => (chunk === null ? ctrl.close() : ctrl.enqueue(new TextEncoder().encode(chunk)));
      },
    });
    const inFlight = fetch(`${base}/api/registers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    push(json.slice(0, 20));
    await new Promise((r) => setTimeout(r, 500));
    api.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    // The listener is closed: a new connection is refused (or answered 503 while it closes).
    const late = await get(`${base}/health/live`).then((r) => r.status, () => 0);
    expect([0, 503]).toContain(late);
    push(json.slice(20));
    push(null);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await res.json()).items[0]).toMatchObject({ result: 'created' });
    expect(await exited).toBe(0);
  });
});
