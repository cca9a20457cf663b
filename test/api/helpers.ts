import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ROOT } from '../../clients/paths';
import { buildApp } from '../../api/app';
import { UserStore } from '../../clients/users';
import type { FsStore } from '../../clients/storage/fs';
import type { FileOutbox } from '../../clients/outbox';
import type { Actor } from '../../domain/actors';
import { loadConfig, type Config, type QualitySettings } from '../../clients/config';
import { users, units } from '../support/fixtures';
import { startDevServer, tempDeps, testWorker } from '../support/temporal';
import { ensureWebBuilt, WEB_DIST } from '../web/harness';
import { expect } from 'vitest';
import type { ScheduleView } from '../../contracts/v1';

export const FUTURE = '2099-01-01T00:00:00+07:00';
export type UserName = keyof typeof users | 'nobody';

/** Log lines the app wrote (JSON), for tests that check what is logged. */
export class LogCapture extends Writable {
  lines: Array<Record<string, unknown>> = [];
  raw = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    const s = chunk.toString('utf8');
    this.raw += s;
    for (const l of s.split('\n')) if (l.trim()) this.lines.push(JSON.parse(l));
    cb();
  }
}

export interface ApiHarness {
  env: TestWorkflowEnvironment;
  app: FastifyInstance;
  config: Config;
  store: FsStore;
  outbox: FileOutbox;
  usersFile: UserStore;
  dir: string;
  logs: LogCapture;
  tokens: Record<keyof typeof users, string>;
  /** A request as one of the fixture users (`nobody` sends no token). */
  call(who: UserName, method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Dev server + worker on its own task queue + the app, with a token for every fixture user. */
export async function startApi(opts: { config?: Record<string, string>; workflowBundlePath?: string; web?: boolean; quality?: QualitySettings } = {}): Promise<ApiHarness> {
  const env = await startDevServer();
  const deps = { ...(await tempDeps()), ...(opts.quality && { quality: opts.quality }) };
  let worker: Worker;
  let taskQueue: string;
  try {
    ({ worker, taskQueue } = await testWorker(env, deps));
  } catch (e) {
    await env.teardown();
    throw e;
  }
  const running = worker.run();
  const config = loadConfig({
    SOHOA_DATA_DIR: deps.dir,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SOHOA_LOG_LEVEL: 'info',
    SOHOA_PLAN_DEADLINE: FUTURE,
    SOHOA_MAX_UPLOAD_MB: '4',
    ...opts.config,
  });
  const usersFile = UserStore.inDataDir(deps.dir, units);
  const tokens = {} as Record<keyof typeof users, string>;
  for (const [name, a] of Object.entries(users) as Array<[keyof typeof users, Actor]>) {
    tokens[name] = (await usersFile.add({ userId: a.userId, role: a.role, scope: a.scope, agencyCode: a.agencyCode })).token;
  }
  const logs = new LogCapture();
  const app = await buildApp({
    config,
    temporal: { client: env.client },
    store: deps.store,
    outbox: deps.outbox,
    users: usersFile,
    logStream: logs,
    ...(opts.workflowBundlePath ? { workflowBundlePath: opts.workflowBundlePath } : {}),
    ...(opts.web ? (ensureWebBuilt(), { webRoot: WEB_DIST }) : {}),
  });
  await app.ready();
  const close = async () => {
    await app.close().catch(() => undefined);
    worker.shutdown();
    await running.catch(() => undefined);
    await env.teardown();
  };
  return {
    env,
    app,
    config,
    store: deps.store,
    outbox: deps.outbox,
    usersFile,
    dir: deps.dir,
    logs,
    tokens,
    call: (who, method, url, body, headers = {}) =>
      app.inject({
        method,
        url,
        headers: { ...(who === 'nobody' ? {} : { authorization: `Bearer ${tokens[who]}` }), ...headers },
        ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
      }),
    close,
  };
}

/** Polls until `pred` holds (visibility is eventually consistent). */
export async function eventually<T>(fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms: ${String((v as { body?: string } | undefined)?.body ?? JSON.stringify(v)).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export const scheduleView = async (h: ApiHarness, id: string): Promise<ScheduleView> =>
  (await h.call('auditor', 'GET', '/api/schedules')).json().items.find((s: ScheduleView) => s.id === id);

/** Triggers a schedule through the API and waits for that run to end (a later run in lastRun, completed; ids have whole seconds). */
export async function triggerSchedule(h: ApiHarness, id: string): Promise<ScheduleView> {
  const before = (await scheduleView(h, id)).lastRun?.at;
  const r = await h.call('manager', 'POST', `/api/schedules/${id}/trigger`, { note: 'thử' });
  expect(r.statusCode, r.body).toBe(200);
  return eventually(
    () => scheduleView(h, id),
    (v) => !!v.lastRun && v.lastRun.at !== before && v.lastRun.status === 'completed',
    30_000,
  );
}

/** The `sohoa` CLI against this API (listening on a free port once asked), with a token. */
export async function runCli(h: ApiHarness, args: string[], token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!h.app.server.listening) await h.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (h.app.server.address() as AddressInfo).port;
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [`${ROOT}scripts/sohoa.mjs`, ...args], {
      env: { ...process.env, SOHOA_API_URL: `http://127.0.0.1:${port}`, SOHOA_TOKEN: token, SOHOA_DATA_DIR: h.dir },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export const item = (over: Record<string, unknown> = {}) => ({ agencyCode: '20335', type: 'KS', bookNo: '01', yearFrom: 2017, yearTo: 2017, ...over });
