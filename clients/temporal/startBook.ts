import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CODE_VERSION, type Book, type PlanSettings } from '../../contracts/v1';
import { workflowIdFor } from '../../domain/book';
import { initialState } from '../../domain/bookState';
import { memoOf } from '../../domain/memo';
import { searchAttributesOf, WORKFLOW_TYPE } from '../../workflows/definitions';

/** Who created the book: kept in the memo, so the start event of the history names them. */
export interface CreatedBy {
  userId: string;
  role: string;
  agencyCode: string;
}

/**
 * Starts a book's workflow as every caller must (API, demo, tests, benchmarks): the contract's id,
 * search attributes and memo from the initial state. A second start of the same book, running or
 * closed, is `existing` and changes nothing, except after a failed run: that book may start again.
 */
export async function startBook(
  client: Client,
  taskQueue: string,
  book: Book,
  plan: PlanSettings,
  priority = 3,
  extraMemo: Record<string, unknown> = {},
): Promise<{ id: string; result: 'created' | 'existing' }> {
  const id = workflowIdFor(book);
  const state = initialState(book, plan, new Date().toISOString(), priority);
  try {
    await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue,
      workflowId: id,
      args: [{ book, plan, priority, codeVersion: CODE_VERSION }],
      typedSearchAttributes: searchAttributesOf(state),
      memo: { ...memoOf(state), ...extraMemo },
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return { id, result: 'created' };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { id, result: 'existing' };
    throw e;
  }
}

