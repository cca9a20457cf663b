import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../clients/config';
import { workflowsToRun } from '../clients/workflowBundle/build';
import { depsFromConfig } from './deps';
import { serveWorkerHealth } from './health';
import { createWorker } from './worker';

/**
 * Worker process: runs until SIGINT/SIGTERM, then drains in-flight tasks (up to the worker's
 * shutdownGraceTime) and exits. With WORKER_METRICS_PORT, the SDK's own metrics (workflow task
 * latency, activity failures, sticky cache…) are served for Prometheus at /metrics on that port.
 */
const config = loadConfig(process.env);
if (config.WORKER_METRICS_PORT) {
  Runtime.install({
    telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.WORKER_HTTP_HOST}:${config.WORKER_METRICS_PORT}`, useSecondsForDurations: true } } },
  });
}
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
const health = config.WORKER_HEALTH_PORT
  ? await serveWorkerHealth({ worker, connection, host: config.WORKER_HTTP_HOST, port: config.WORKER_HEALTH_PORT })
  : undefined;
console.log(`worker: task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
try {
  await worker.run();
} finally {
  health?.close();
  await connection.close();
  await deps.temporal.connection.close();
}
