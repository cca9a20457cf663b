import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CODE_VERSION, type Book, type PlanSettings, type WorkflowInputV1 } from '../../contracts/v1';
import { workflowIdFor } from '../../domain/book';
import { initialState, statusOf } from '../../domain/bookState';
import { memoOf, statusMemoOf } from '../../domain/memo';
import { SA, searchAttributesOf, WORKFLOW_TYPE } from '../../workflows/definitions';

/** Who created the book: kept in the memo, so the start event of the history names them. */
export interface CreatedBy {
  userId: string;
  role: string;
  agencyCode: string;
}

/**
 * A book's start request at `now`: the contract's id, and the search attributes, memo and status memo
 * of the initial state, stamped with the request's time that the workflow takes as its own
 * (`startedAt`), so the book's first workflow task finds all of it published and publishes nothing.
 */
export function startRequestOf(book: Book, plan: PlanSettings, priority: number, now: Date) {
  const startedAt = now.toISOString();
  const state = initialState(book, plan, startedAt, priority);
  const args: [WorkflowInputV1] = [{ book, plan, priority, codeVersion: CODE_VERSION, startedAt }];
  return {
    workflowId: workflowIdFor(book),
    args,
    typedSearchAttributes: [...searchAttributesOf(state), { key: SA.updatedAt, value: now }],
    memo: { ...memoOf(state), ...statusMemoOf(statusOf(state, now.getTime())) } as Record<string, unknown>,
  };
}

/**
 * Starts a book's workflow as every caller must (API, demo, tests, benchmarks), with its start request
 * of now. A second start of the same book, running or closed, is `existing` and changes nothing,
 * except after a failed run: that book may start again.
 */
export async function startBook(
  client: Client,
  taskQueue: string,
  book: Book,
  plan: PlanSettings,
  priority = 3,
  extraMemo: Record<string, unknown> = {},
): Promise<{ id: string; result: 'created' | 'existing' }> {
  const request = startRequestOf(book, plan, priority, new Date());
  try {
    await client.workflow.start(WORKFLOW_TYPE, {
      ...request,
      taskQueue,
      memo: { ...request.memo, ...extraMemo },
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return { id: request.workflowId, result: 'created' };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { id: request.workflowId, result: 'existing' };
    throw e;
  }
}
