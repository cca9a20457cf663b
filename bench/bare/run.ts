import type { Client } from '@temporalio/client';
import { bareAction, bareBook, type Shape } from './workflow';

export const BARE_TASK_QUEUE = 'bench-bare';
export const bareActivities = { touch: async (): Promise<void> => undefined };

/** One bare book: started, its updates sent one after the other like a clerk's, then its result awaited. */
export async function runBare(client: Client, workflowId: string, shape: Shape): Promise<void> {
  const h = await client.workflow.start(bareBook, { taskQueue: BARE_TASK_QUEUE, workflowId, args: [shape] });
  for (let i = 0; i < shape.updates; i++) await h.executeUpdate(bareAction, { args: [{ i }] });
  await h.result();
}
