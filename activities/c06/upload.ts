import { DEFAULT_LIMITS, type Limits } from '../../clients/config';
import type { ArtifactStore } from '../../clients/storage/types';
import type { CandidateBook } from '../../domain/c06';
import type { RegisterType } from '../../domain/registerTypes';
import { intakeC06Batch } from './intake';
import type { C06Format } from './parse';

export interface IntakeC06Input {
  /** The batch as the API stored it, and its sha256. */
  key: string;
  sha256: string;
  format: C06Format;
  fileName: string;
  type?: RegisterType;
  /** The uploader's scope (C06_SCOPE) and where the API wrote that scope's candidate books (JSON). */
  scope: string;
  candidatesKey: string;
  districts: ReadonlyArray<{ code: string; name: string }>;
}

export interface IntakeC06Output {
  /** The batch report (C06IntakeResult as JSON): matched books, unmatched and ambiguous rows, corrections. */
  reportKey: string;
  unchanged: boolean;
}

export interface C06UploadActivities {
  intakeC06(input: IntakeC06Input): Promise<IntakeC06Output>;
}

/**
 * Takes in a C06 batch on the worker (where a hostile workbook costs a retry, not the API): the
 * answer is the report's key, the report itself is read from the store (it lists every row).
 */
export function createC06UploadActivities(deps: { store: ArtifactStore; limits?: Limits }): C06UploadActivities {
  return {
    async intakeC06(input) {
      const candidates = JSON.parse((await deps.store.getBuffer(input.candidatesKey)).toString('utf8')) as CandidateBook[];
      const r = await intakeC06Batch({
        store: deps.store,
        batch: { source: { key: input.key, sha256: input.sha256 }, format: input.format, fileName: input.fileName, ...(input.type ? { type: input.type } : {}) },
        candidates,
        scope: input.scope,
        districts: input.districts,
        limits: deps.limits ?? DEFAULT_LIMITS,
      });
      return { reportKey: r.reportKey, unchanged: r.unchanged };
    },
  };
}
