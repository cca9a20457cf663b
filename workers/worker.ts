import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from '../clients/config';
import { bundlerOptions } from '../clients/workflowBundle/build';
import { TASK_QUEUE } from '../workflows/definitions';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  /** A prebuilt bundle (production, tests) or the source path (bundled at start). */
  workflows: { bundlePath: string } | { workflowsPath: string };
  deps: ActivityDeps;
  tuning?: Pick<Config, 'WORKER_MAX_CACHED_WORKFLOWS' | 'WORKER_MAX_CONCURRENT_ACTIVITIES' | 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'>;
  options?: Partial<WorkerOptions>;
}

/** The sohoa worker: workflows from the bundle, activities built from their dependencies. */
export function createWorker(s: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: s.connection,
    namespace: s.namespace,
    taskQueue: s.taskQueue ?? TASK_QUEUE,
    ...('bundlePath' in s.workflows ? { workflowBundle: { codePath: s.workflows.bundlePath } } : { workflowsPath: s.workflows.workflowsPath, bundlerOptions }),
    activities: createActivities(s.deps),
    ...(s.tuning && {
      maxCachedWorkflows: s.tuning.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivityTaskExecutions: s.tuning.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: s.tuning.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    }),
    shutdownGraceTime: '10s',
    ...s.options,
  });
}
