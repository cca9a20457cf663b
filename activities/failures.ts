import { ApplicationFailure } from '@temporalio/common';
import type { ErrorCode } from '../contracts/v1';

/** Bad input found by an activity: never retried, its type the contract's error code (the step goes back). */
export function badInput(code: ErrorCode, message: string, ...details: unknown[]): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, code, ...details);
}
