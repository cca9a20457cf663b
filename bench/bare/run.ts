import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { bareAction, bareBook, type Commands, type Shape } from './workflow';

export const BARE_TASK_QUEUE = 'bench-bare';
export const bareActivities = { touch: async (): Promise<void> => undefined };

/** What a start sends beside the workflow's input: the sohoa book's own start attributes and memo. */
export type StartExtras = Pick<WorkflowStartOptions, 'typedSearchAttributes' | 'memo'>;

/**
 * One bare book: started, its updates sent one after the other like a clerk's, then its result awaited.
 * With `commands` and `extras`, it also sends what the sohoa book sends Temporal (search attributes and
 * memo at its start and at each update, answers of the same size).
 */
export async function runBare(client: Client, workflowId: string, shape: Shape, commands?: Commands, extras: StartExtras = {}): Promise<void> {
  const h = await client.workflow.start(bareBook, { taskQueue: BARE_TASK_QUEUE, workflowId, args: commands ? [shape, commands] : [shape], ...extras });
  for (let i = 0; i < shape.updates; i++) await h.executeUpdate(bareAction, { args: [{ i }] });
  await h.result();
}
