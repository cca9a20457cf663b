import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { IntakeC06Input, IntakeC06Output } from '../activities/c06/upload';
import type { ParseInventoryInput, ParseInventoryResult } from '../activities/inventory';
import type { UnpackScansInput, UnpackScansOutcome } from '../activities/scans/unpack';
import type { Activities } from '../activities/types';

/**
 * A user's file read on a worker for the API, which waits for the answer: a few attempts for a worker
 * that died or a store that did not answer (a killed worker is noticed by its heartbeat), none for a
 * file that is bad or over a limit (non-retryable failures, answered 4xx by the API).
 */
const { parseInventory, intakeC06, unpackScans } = proxyActivities<Activities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

/** The rows of an uploaded inventory (POST /api/registers/import). */
export async function parseInventoryUpload(input: ParseInventoryInput): Promise<ParseInventoryResult> {
  return parseInventory(input);
}

/** A C06 batch matched against the uploader's books (POST /api/c06/batches). */
export async function intakeC06Upload(input: IntakeC06Input): Promise<IntakeC06Output> {
  return intakeC06(input);
}

/**
 * A contractor's zip unpacked into the book's upload (PUT /api/registers/:id/scans). The run ends
 * with its answer either way: a delivery that cannot be taken, or a store that did not answer after
 * the attempts, is the API's to refuse (4xx, 503), not a failed run.
 */
export async function unpackScanDelivery(input: UnpackScansInput): Promise<UnpackScansOutcome> {
  try {
    return { unpacked: await unpackScans(input) };
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    const cause = e.cause instanceof ApplicationFailure && e.cause.nonRetryable ? e.cause : undefined;
    const given = cause?.details?.[0] as { details?: unknown } | undefined;
    return { refused: { code: cause?.type ?? 'Unavailable', message: (cause ?? e).message, details: given?.details } };
  }
}
