import type { Step } from '../../contracts/v1/values';
import type { CarriedStateV1 } from '../../contracts/v1/workflow';

/** A book's state inside its workflow: the carried-state contract of the current version. */
export type BookState = CarriedStateV1;

export const isClosed = (s: Pick<BookState, 'phase'>) => s.phase === 'closed';

/**
 * Steps with automatic work (an activity). Scans and Excel are processed after their submission,
 * import and acceptance as soon as the book enters them. Which are enabled is the workflow's choice
 * (gated by patches, so books started before an automation existed keep their old path).
 */
export const AUTOMATION_TRIGGER: Partial<Record<Step, 'submission' | 'entry'>> = {
  scan: 'submission',
  excel: 'submission',
  c06: 'submission',
  import: 'entry',
  acceptance: 'entry',
};

export interface ApplyOptions {
  automatic?: ReadonlySet<Step>;
}

export const DAY = 86_400_000;
/** Whole days from `nowMs` to a deadline (negative once it passed). */
export const daysLeft = (deadline: string, nowMs: number) => Math.ceil((Date.parse(deadline) - nowMs) / DAY);

/** Problems of a C06 delivery the clerk must confirm (or have C06 send again) before review. */
export const C06_FLAGGED = 'c06Flagged';
