import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivityDeps } from '../../activities';
import { OutboxGateway } from '../../activities/gateway';
import { FileOutbox } from '../../clients/outbox';
import { FsStore } from '../../clients/storage/fs';
import type { Client } from '@temporalio/client';
import type { BookStatus } from '../../domain/bookState';
import { statusQuery } from '../../workflows/definitions';
import { SA } from '../../workflows/definitions';
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER, WORKFLOW_BUNDLE } from '../../clients/paths';
import { createWorker } from '../../workers/worker';

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** A real Temporal dev server (the CLI installed by scripts/install-tools.sh) on a free loopback port. */
export async function startDevServer(dynamicConfig: Record<string, string | number> = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      ip: '127.0.0.1',
      searchAttributes: Object.values(SA),
      log: { format: 'pretty', level: 'error' },
      extraArgs: Object.entries(dynamicConfig).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${v}`]),
    },
  });
}

/** The time-skipping test server, for timer logic across months; the contract's search attributes registered. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.values(SA).map((k) => [k.name, INDEXED[k.type as keyof typeof INDEXED]])),
  });
  return env;
}

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED: Record<'KEYWORD' | 'KEYWORD_LIST' | 'BOOL' | 'DATETIME' | 'INT', proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

/** Activity dependencies a test hands in: the Temporal client defaults to the test server's. */
export type TestDeps = Omit<ActivityDeps, 'temporal'> & Partial<Pick<ActivityDeps, 'temporal'>>;

/** Real local dependencies in a temp folder: artifact store, outbox, and the outbox gateway. */
export async function tempDeps(): Promise<TestDeps & { dir: string; store: FsStore }> {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-test-'));
  const store = new FsStore(join(dir, 'artifacts'));
  return { dir, store, outbox: new FileOutbox(join(dir, 'outbox')), gateway: new OutboxGateway(store) };
}

let queueSeq = 0;
/** A worker on its own task queue, so test files never take each other's tasks. */
export async function testWorker(env: TestWorkflowEnvironment, deps: TestDeps, taskQueue = `test-${process.pid}-${++queueSeq}`): Promise<{ worker: Worker; taskQueue: string }> {
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflows: { bundlePath: WORKFLOW_BUNDLE },
    deps: { temporal: env.client, ...deps },
  });
  return { worker, taskQueue };
}

/** Waits until a book's status satisfies `pred` (automatic steps run between updates). */
export async function waitForStatus(client: Client, id: string, pred: (s: BookStatus) => boolean, tries = 300): Promise<BookStatus> {
  for (let i = 0; ; i++) {
    const st = await client.workflow.getHandle(id).query(statusQuery);
    if (pred(st)) return st;
    if (i > tries) throw new Error(`${id}: status never matched: step ${st.step}, phase ${st.phase}, problems ${JSON.stringify(st.problems)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface WorkerEnv {
  env: TestWorkflowEnvironment;
  deps: Awaited<ReturnType<typeof tempDeps>>;
  taskQueue: string;
}

/**
 * A Temporal server and a running worker for one test file, started in `beforeAll` and stopped in
 * `afterAll`. Read the fields inside tests (they are set once the hooks ran).
 */
export function useWorkerEnv(
  start: () => Promise<TestWorkflowEnvironment> = () => startDevServer(),
  withDeps: (d: WorkerEnv['deps']) => Promise<TestDeps> | TestDeps = (d) => d,
): WorkerEnv {
  const ctx = {} as WorkerEnv;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    ctx.env = await start();
    ctx.deps = await tempDeps();
    let queue: string;
    ({ worker, taskQueue: queue } = await testWorker(ctx.env, await withDeps(ctx.deps)));
    ctx.taskQueue = queue;
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await ctx.env?.teardown();
  });
  return ctx;
}
