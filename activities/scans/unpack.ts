import { DEFAULT_LIMITS, type Limits } from '../../clients/config';
import type { ArtifactStore } from '../../clients/storage/types';
import { badInput } from '../failures';
import { whileAlive } from '../heartbeat';
import { IntakeError, unpackStashed, type UnpackInput } from './intake';

export type UnpackScansInput = Omit<UnpackInput, 'limits' | 'tmpDir'>;
export interface UnpackScansResult {
  files: number;
  bytes: number;
}
/** What the unpacking run answers: the files, or why not (a contract error code, its message and problems). */
export type UnpackScansOutcome = { unpacked: UnpackScansResult } | { refused: { code: string; message: string; details?: unknown } };

export interface ScanIntakeActivities {
  unpackScans(input: UnpackScansInput): Promise<UnpackScansResult>;
}

/**
 * A contractor's zip unpacked on the worker (PUT /api/registers/:id/scans stashes it as it came): a
 * bomb or a broken zip costs a worker's attempt, never the API. A delivery that cannot be taken is a
 * non-retryable failure listing every problem with its file (the API answers it 400/413).
 */
export function createScanIntakeActivities(deps: { store: ArtifactStore; limits?: Limits }): ScanIntakeActivities {
  return {
    async unpackScans(input) {
      try {
        const r = await whileAlive(
          () => ({ uploadId: input.uploadId }),
          () => unpackStashed(deps.store, { ...input, limits: deps.limits ?? DEFAULT_LIMITS }),
        );
        return { files: r.files, bytes: r.bytes };
      } catch (e) {
        if (e instanceof IntakeError) throw badInput(e.code, e.message, { details: e.details });
        throw e;
      }
    },
  };
}
