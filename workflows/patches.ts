import { patched } from '@temporalio/workflow';

/** Patches, in the order they were introduced (each gates a change of commands; see README). */
export const PATCHES = {
  packageScans: 'package-scans',
  validateExcel: 'validate-excel',
  submitImport: 'submit-import',
  computeAcceptance: 'compute-acceptance',
  /** Notices beside the loop (the loop could miss an update while it awaited one). */
  noticesBesideLoop: 'notices-beside-loop',
  /** Rounds of bounded attempts, cancelled by a withdrawal, the book marked failing between rounds. */
  guardedAutomation: 'guarded-automation',
  /** An overdue book gets its mark but no notice of its own: its agency's daily digest lists it. */
  overdueDigest: 'overdue-digest',
  /** A C06 delivery is checked like an Excel upload; doubtful rows wait for the clerk's decision. */
  reconcileC06: 'reconcile-c06',
  /** Each published change stamps SohoaUpdatedAt (the API's read model polls by it). */
  updatedAtAttribute: 'updated-at-attribute',
  /** Pages the packaging could not read are listed as problems of the scan step. */
  pageWarnings: 'page-warnings',
} as const;
export type PatchId = (typeof PATCHES)[keyof typeof PATCHES];

/**
 * The patches in force without a marker for books started with code version 2 or later: those above
 * when version 2 came, written out so that a patch added to the list later is not among them.
 */
const IN_CODE_VERSION_2: ReadonlySet<PatchId> = new Set<PatchId>([
  'package-scans',
  'validate-excel',
  'submit-import',
  'compute-acceptance',
  'notices-beside-loop',
  'guarded-automation',
  'overdue-digest',
  'reconcile-c06',
  'updated-at-attribute',
  'page-warnings',
]);

/**
 * Whether a patch is in force for this book. Core records each first `patched()` of a new run with a
 * marker and a TemporalChangeVersion search-attribute upsert: for a new book that is ten events and ten
 * visibility writes that decide nothing, since every book started today takes every patch. A book
 * started with `codeVersion` ≥ 2 (see contracts/v1/workflow.ts) therefore takes the patches of version
 * 2 without asking; books started before keep asking, so their histories replay as recorded. A patch
 * added later is not in the set: it is asked for, as any patch.
 */
export function patchGate(codeVersion: number | undefined): (patch: PatchId) => boolean {
  const v2 = fromCodeVersion2(codeVersion);
  return (patch) => (v2 && IN_CODE_VERSION_2.has(patch)) || patched(patch);
}

/**
 * Books started with code version 2 or later: no history of such a book existed before version 2, so
 * what it changed needs no patch; a change to it from now on does.
 */
export const fromCodeVersion2 = (codeVersion: number | undefined) => codeVersion !== undefined && codeVersion >= 2;

/** Books started with code version 3 or later: an action takes what it made due with it (one publish). */
export const fromCodeVersion3 = (codeVersion: number | undefined) => codeVersion !== undefined && codeVersion >= 3;
