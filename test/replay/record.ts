/**
 * Records the histories replayed in CI: `npx tsx test/replay/record.ts <suffix>`. Run it only to add
 * fixtures for a new workflow version (with a new suffix); never overwrite old ones, they are the
 * proof that old books still replay. Every run of a book that continued as new is saved.
 */
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HttpGateway } from '../../activities/gateway';
import { buildWorkflowBundle } from '../../clients/workflowBundle/build';
import { startFakeNational } from '../support/fakeNational';
import { breakableStore } from '../support/faults';
import { startDevServer, startTimeSkipping, tempDeps, testWorker } from '../support/temporal';
import { runScenario, scenarios, scheduled, type Scenario, type Server } from './scenarios';
import { saveBundleInputs } from './savedBundleInputs';
import { PLAN_WORKFLOW_TYPE } from '../../contracts/v1/plan';
import { setProvinceDeadline } from '../../workflows/definitions';
import { users } from '../support/fixtures';

const suffix = process.argv[2];
if (!suffix) throw new Error('usage: npx tsx test/replay/record.ts <version suffix, e.g. v3>');
const only = process.argv[3];
await buildWorkflowBundle();

// The national endpoint fails its first calls, so the import is retried by Temporal.
const national = await startFakeNational({ failFirst: 3 });
const envs: Record<Server, TestWorkflowEnvironment> = {
  dev: await startDevServer(),
  devShortHistory: await startDevServer({ 'limit.historyCount.suggestContinueAsNew': 40 }),
  skip: await startTimeSkipping(),
};
const workers: { worker: Worker; running: Promise<void> }[] = [];
const queues = new Map<string, { taskQueue: string; store: ReturnType<typeof breakableStore> }>();
for (const [server, env] of Object.entries(envs) as [Server, TestWorkflowEnvironment][]) {
  for (const gateway of ['outbox', 'http'] as const) {
    const deps = await tempDeps();
    const store = breakableStore(deps.store);
    const { worker, taskQueue } = await testWorker(env, {
      ...deps,
      store,
      ...(gateway === 'http' && { gateway: new HttpGateway({ url: national.url, store, attempts: 2, backoffMs: 100 }) }),
    });
    workers.push({ worker, running: worker.run() });
    queues.set(`${server}/${gateway}`, { taskQueue, store });
  }
}

/** Every run of the book, first to last, following continue-as-new. */
async function runHistories(client: Client, workflowId: string, firstRunId: string) {
  const out = [];
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    out.push(history);
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return out;
}

async function record(s: Scenario) {
  const env = envs[s.server];
  const { taskQueue, store } = queues.get(`${s.server}/${s.gateway ?? 'outbox'}`)!;
  const handle = await runScenario(
    {
      client: env.client,
      taskQueue,
      store,
      now: () => env.currentTimeMs(),
      sleep: (ms) => (s.server === 'skip' ? env.sleep(ms) : new Promise((r) => setTimeout(r, ms))),
      breakStore: (prefix, broken) => (broken ? store.broken.add(prefix) : store.broken.delete(prefix)),
    },
    s,
  );
  // Let the workflow finish its pending work (notices) before taking its history.
  await new Promise((r) => setTimeout(r, 1000));
  const runs = await runHistories(env.client, handle.workflowId, handle.firstExecutionRunId);
  for (const [i, history] of runs.entries()) await save(runs.length === 1 ? s.name : `${s.name}-run${i + 1}`, history);
}

async function save(name: string, history: Awaited<ReturnType<typeof runHistories>>[number]) {
  const file = fileURLToPath(new URL(`./histories/${name}.${suffix}.json`, import.meta.url));
  await writeFile(file, historyToJSON(history));
  console.log(`${file}: ${history.events?.length} events`);
}

/** A schedule's workflow, started as its schedule starts it, over the books the scenarios left on the dev server. */
async function recordScheduled(s: (typeof scheduled)[number]) {
  const { taskQueue } = queues.get('dev/outbox')!;
  const handle = await envs.dev.client.workflow.start(s.workflowType, { taskQueue, workflowId: `${s.name}-${Date.now()}`, args: s.args });
  await handle.result();
  await save(s.name, await handle.fetchHistory());
}

/** The province plan's workflow, its deadline moved twice; it runs for the life of a project, so it is terminated to be saved. */
async function recordPlan() {
  const { taskQueue } = queues.get('dev/outbox')!;
  const handle = await envs.dev.client.workflow.start(PLAN_WORKFLOW_TYPE, { taskQueue, workflowId: `province-plan-${Date.now()}`, args: [{ deadline: '2025-01-01T00:00:00+07:00' }] });
  for (const deadline of ['2025-03-12T00:00:00+07:00', '2025-12-31T00:00:00+07:00']) {
    await handle.executeUpdate(setProvinceDeadline, { args: [{ actor: users.manager, payload: { deadline, reason: 'UBND tỉnh điều chỉnh kế hoạch' } }] });
  }
  await handle.terminate('saved for replay');
  await save('province-plan', await handle.fetchHistory());
}

try {
  for (const s of scenarios) if (!only || s.name === only) await record(s);
  for (const s of scheduled) if (!only || s.name === only) await recordScheduled(s);
  if (!only || only === 'province-plan') await recordPlan();
} finally {
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await Promise.all(Object.values(envs).map((e) => e.teardown()));
  await national.stop();
}

// The replay guard (guard.test.ts) compares the workflow sources with those saved here.
await saveBundleInputs(suffix);
