import { proxyActivities } from '@temporalio/workflow';
import type { IntakeC06Input, IntakeC06Output } from '../activities/c06/upload';
import type { ParseInventoryInput, ParseInventoryResult } from '../activities/inventory';
import type { UnpackScansInput, UnpackScansResult } from '../activities/scans/unpack';
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

/** A contractor's zip unpacked into the book's upload (PUT /api/registers/:id/scans). */
export async function unpackScanDelivery(input: UnpackScansInput): Promise<UnpackScansResult> {
  return unpackScans(input);
}
