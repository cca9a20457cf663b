import { units } from '../support/fixtures';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../../api/app';
import { UserStore } from '../../clients/users';
import type { FsStore } from '../../clients/storage/fs';
import type { Actor } from '../../domain/actors';
import { loadConfig, planSettingsFromConfig, type Config, type QualitySettings } from '../../clients/config';
import { ROOT } from '../../clients/paths';
import { startDevServer, tempDeps, testWorker } from '../support/temporal';

export const WEB_DIST = join(ROOT, 'web', 'dist');
const WEB_SOURCES = [join(ROOT, 'web', 'src'), join(ROOT, 'web', 'index.html'), join(ROOT, 'web', 'vite.config.ts'), join(ROOT, 'contracts')];

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newestMtime(join(path, n))));
}

/** Builds web/dist when it is missing or older than its sources (make test builds it too). */
export function ensureWebBuilt(): void {
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...WEB_SOURCES.filter(existsSync).map(newestMtime))) return;
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', join(ROOT, 'web', 'vite.config.ts'), '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

/** The people of the browser tests: who they are, and their token once created. */
export const PEOPLE = {
  manager: { userId: 'quanly.tinh', name: 'Nguyễn Thị Hạnh', role: 'manager', scope: 'province', agencyCode: '49' },
  clerk: { userId: 'congchuc.tanthanh', name: 'Trần Văn Bình', role: 'clerk', scope: 'agency', agencyCode: '20335' },
  otherClerk: { userId: 'congchuc.minhan', name: 'Lê Thị Mai', role: 'clerk', scope: 'agency', agencyCode: '20398' },
  contractor: { userId: 'nhathau.tamky', name: 'Công ty Số hóa Miền Trung', role: 'contractor', scope: 'district', agencyCode: '502' },
  auditor: { userId: 'kiemtoan', name: 'Phạm Quốc Toàn', role: 'auditor', scope: 'province', agencyCode: '49' },
} as const satisfies Record<string, Pick<Actor, 'userId' | 'name' | 'role' | 'scope' | 'agencyCode'>>;
export type Person = keyof typeof PEOPLE;

class Quiet extends Writable {
  override _write(_c: Buffer, _e: BufferEncoding, cb: () => void) {
    cb();
  }
}

export interface WebHarness {
  env: TestWorkflowEnvironment;
  app: FastifyInstance;
  config: Config;
  store: FsStore;
  taskQueue: string;
  baseUrl: string;
  tokens: Record<Person, string>;
  /** A real HTTP call to the API as one of the people. */
  api<T = unknown>(who: Person, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** The real thing: Temporal dev server, a worker with real activities, the API on a free port serving web/dist. */
export async function startWeb(planDeadline: string, opts: { quality?: QualitySettings } = {}): Promise<WebHarness> {
  ensureWebBuilt();
  const env = await startDevServer();
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close().catch(() => undefined);
    if (worker) {
      worker.shutdown();
      await running?.catch(() => undefined);
    }
    await env.teardown();
  };
  try {
    const deps = { ...(await tempDeps()), ...(opts.quality && { quality: opts.quality }) };
    const w = await testWorker(env, deps);
    worker = w.worker;
    running = worker.run();
    const config = loadConfig({ SOHOA_DATA_DIR: deps.dir, TEMPORAL_TASK_QUEUE: w.taskQueue, SOHOA_PLAN_DEADLINE: planDeadline, SOHOA_LOG_LEVEL: 'warn' });
    const users = UserStore.inDataDir(deps.dir, units);
    const tokens = {} as Record<Person, string>;
    for (const [k, p] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) tokens[k] = (await users.add({ ...p })).token;
    app = await buildApp({ config, temporal: { client: env.client }, store: deps.store, outbox: deps.outbox, users, logStream: new Quiet(), webRoot: WEB_DIST });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      env,
      app,
      config,
      store: deps.store,
      taskQueue: w.taskQueue,
      baseUrl,
      tokens,
      async api<T>(who: Person, method: string, path: string, body?: unknown) {
        const res = await fetch(baseUrl + path, {
          method,
          headers: { authorization: `Bearer ${tokens[who]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

export { planSettingsFromConfig };

/** Polls until `pred` holds (visibility is eventually consistent; automatic steps take a moment). */
export async function eventually<T>(fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
