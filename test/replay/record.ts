/**
 * Records the histories replayed in CI: `npx tsx test/replay/record.ts [suffix]`. Run it only to add
 * fixtures for a new workflow version (with a new suffix); never overwrite old ones, they are the
 * proof that old books still replay.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { startDevServer, tempDeps, testWorker } from '../support/temporal';
import { runScenario, scenarios } from './scenarios';

const suffix = process.argv[2];
if (!suffix) throw new Error('usage: npx tsx test/replay/record.ts <version suffix, e.g. v3>');
await buildWorkflowBundle();
const env = await startDevServer();
const deps = await tempDeps();
const { worker, taskQueue } = await testWorker(env, deps);
await worker.runUntil(async () => {
  for (const s of scenarios) {
    const handle = await runScenario(env.client, taskQueue, deps.store, s);
    // Let the workflow finish its pending work (notices) before taking its history.
    await new Promise((r) => setTimeout(r, 500));
    const history = await handle.fetchHistory();
    const file = fileURLToPath(new URL(`./histories/${s.name}.${suffix}.json`, import.meta.url));
    await writeFile(file, historyToJSON(history));
    console.log(`${file}: ${history.events?.length} events`);
  }
});
await env.teardown();
