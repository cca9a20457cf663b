import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActionName, ActionRequest } from './actions';
import type { BookStatus } from './bookState';

/** Workflow type and task queue (contract). */
export const WORKFLOW_TYPE = 'registerDigitization';
export const TASK_QUEUE = 'sohoa';

export const statusQuery = defineQuery<BookStatus>('status');

/** One update per human action, named as the action; each carries the actor and returns the new status. */
export const actionUpdates = {
  confirmInventory: defineUpdate<BookStatus, [ActionRequest]>('confirmInventory'),
  scansUploaded: defineUpdate<BookStatus, [ActionRequest]>('scansUploaded'),
  excelUploaded: defineUpdate<BookStatus, [ActionRequest]>('excelUploaded'),
  c06Received: defineUpdate<BookStatus, [ActionRequest]>('c06Received'),
  approve: defineUpdate<BookStatus, [ActionRequest]>('approve'),
  reject: defineUpdate<BookStatus, [ActionRequest]>('reject'),
  manualEntryProgress: defineUpdate<BookStatus, [ActionRequest]>('manualEntryProgress'),
  importConfirmed: defineUpdate<BookStatus, [ActionRequest]>('importConfirmed'),
  extendDeadline: defineUpdate<BookStatus, [ActionRequest]>('extendDeadline'),
  setPlanDeadline: defineUpdate<BookStatus, [ActionRequest]>('setPlanDeadline'),
  setPriority: defineUpdate<BookStatus, [ActionRequest]>('setPriority'),
  withdraw: defineUpdate<BookStatus, [ActionRequest]>('withdraw'),
} satisfies Record<ActionName, unknown>;

/** Failure types thrown by update validators; the API maps them to HTTP statuses. */
export const REFUSAL_TYPES = {
  invalidPayload: 'InvalidPayload',
  forbidden: 'Forbidden',
  wrongStep: 'WrongStep',
  noChange: 'NoChange',
} as const;
