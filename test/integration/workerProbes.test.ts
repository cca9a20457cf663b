import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevServerProcess } from '../support/devServerProcess';
import { freePort } from '../support/ports';
import { WorkerProcess } from '../support/workerProcess';

/**
 * The worker process as an orchestrator sees it (WORKER_HEALTH_PORT, WORKER_METRICS_PORT): live and
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
