import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../clients/config';
import { workflowsToRun } from '../clients/workflowBundle/build';
import { depsFromConfig } from './deps';
import { createWorker } from './worker';

/** Worker process: runs until SIGINT/SIGTERM, then drains in-flight tasks and exits. */
const config = loadConfig(process.env);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const deps = await depsFromConfig(config);
const worker = await createWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflows: await workflowsToRun(config.SOHOA_WORKFLOWS, (m) => console.log(`worker: ${m}`)),
  deps,
  tuning: config,
});
console.log(`worker: task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
try {
  await worker.run();
} finally {
  await connection.close();
  await deps.temporal.connection.close();
}
