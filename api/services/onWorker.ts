import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../clients/config';
import { ERRORS, problemDetailSchema, type ErrorCode } from '../../contracts/v1';
import type { intakeC06Upload, parseInventoryUpload, unpackScanDelivery } from '../../workflows/userFiles';
import { ApiError } from '../errors';
import { mapTemporalError } from './books';

const WORKFLOWS = { parseInventoryUpload: 'parse-inventory', intakeC06Upload: 'intake-c06', unpackScanDelivery: 'unpack-scans' } as const;
type Workflows = { parseInventoryUpload: typeof parseInventoryUpload; intakeC06Upload: typeof intakeC06Upload; unpackScanDelivery: typeof unpackScanDelivery };
type Name = keyof Workflows;

/**
 * Reads a user's file on a worker and waits for the answer: the API stores the file, the worker
 * parses it (a file made to exhaust memory costs a worker's retry, never the API). Bad input or a
 * file over a limit comes back as the activity's non-retryable failure: its code and details, 4xx.
 * No worker within SOHOA_PARSE_TIMEOUT_S: 504.
 */
export async function onWorker<N extends Name>(
  deps: { client: Client; config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'SOHOA_PARSE_TIMEOUT_S'> },
  name: N,
  input: Parameters<Workflows[N]>[0],
  file: string,
): Promise<Awaited<ReturnType<Workflows[N]>>> {
  try {
    return (await deps.client.workflow.execute(name, {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId: `${WORKFLOWS[name]}-${randomUUID()}`,
      args: [input],
      workflowExecutionTimeout: `${deps.config.SOHOA_PARSE_TIMEOUT_S}s`,
    })) as Awaited<ReturnType<Workflows[N]>>;
  } catch (e) {
    throw failureOf(e, file);
  }
}

function failureOf(e: unknown, file: string): unknown {
  if (!(e instanceof WorkflowFailedError)) return mapTemporalError(e);
  const cause = e.cause instanceof ActivityFailure ? e.cause.cause : e.cause;
  if (cause instanceof ApplicationFailure && cause.nonRetryable && cause.type && isInputError(cause.type)) {
    return refusalOf({ code: cause.type, message: cause.message, details: (cause.details?.[0] as { details?: unknown } | undefined)?.details }, file);
  }
  if (e.cause instanceof TimeoutFailure) return new ApiError('Timeout', `không có worker nào đọc xong tệp ${file} kịp (SOHOA_PARSE_TIMEOUT_S); worker có đang chạy?`);
  if (cause instanceof TimeoutFailure) return new ApiError('Unavailable', `worker dừng giữa chừng mỗi lần đọc tệp ${file}; thử lại sau`);
  return new ApiError('Internal', `không đọc được tệp ${file} (lỗi hệ thống)`);
}

/** A code of the contract the worker may answer with as it is; a store that did not answer is told in our words. */
const isInputError = (code: string): code is ErrorCode => code !== 'Unavailable' && code in ERRORS && ERRORS[code as ErrorCode] >= 400;

/** A worker's answer that the file cannot be taken (4xx with its problems), or that the store did not answer (503). */
export function refusalOf(r: { code: string; message: string; details?: unknown }, file: string): ApiError {
  if (!isInputError(r.code)) return new ApiError('Unavailable', `kho lưu trữ chưa trả lời khi đọc tệp ${file}; thử lại sau`);
  const given = problemDetailSchema.array().safeParse(r.details);
  return new ApiError(r.code, r.message, given.success && given.data.length ? given.data : [{ path: file, message: r.message }]);
}
