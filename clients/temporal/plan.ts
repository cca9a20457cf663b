import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { PLAN_MEMO_KEY, PLAN_WORKFLOW_ID, PLAN_WORKFLOW_TYPE, type ProvincePlan, type ProvincePlanInput, type SetProvinceDeadline } from '../../contracts/v1/plan';
import type { Actor } from '../../contracts/v1/values';
import { setProvinceDeadline } from '../../workflows/definitions';

/**
 * Starts the province plan's workflow with `deadline` (the configured one) unless it runs: once it
 * does, the deadline is what managers moved it to, whatever the config says.
 */
export async function ensurePlan(client: Client, taskQueue: string, deadline: string): Promise<void> {
  const plan: ProvincePlan = { deadline, changes: [] };
  const args: [ProvincePlanInput] = [{ deadline }];
  await client.workflow.start(PLAN_WORKFLOW_TYPE, {
    workflowId: PLAN_WORKFLOW_ID,
    taskQueue,
    args,
    memo: { [PLAN_MEMO_KEY]: plan },
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** The plan as its workflow last published it (describe: no worker); the configured deadline if it never started. */
export async function readPlan(client: Client, configured: string): Promise<ProvincePlan> {
  try {
    const d = await client.workflow.getHandle(PLAN_WORKFLOW_ID).describe();
    const plan = d.memo?.[PLAN_MEMO_KEY] as ProvincePlan | undefined;
    return plan ?? { deadline: configured, changes: [] };
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return { deadline: configured, changes: [] };
    throw e;
  }
}

/** Moves the plan's deadline (the workflow checks the actor: a province manager). */
export function moveProvinceDeadline(client: Client, actor: Actor, payload: SetProvinceDeadline): Promise<ProvincePlan> {
  return client.workflow.getHandle(PLAN_WORKFLOW_ID).executeUpdate(setProvinceDeadline, { args: [{ actor, payload }] });
}
