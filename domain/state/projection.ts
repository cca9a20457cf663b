import type { BookStatusV1 } from '../../contracts/v1/status';
import { bookPeriod } from '../book';
import { holderOf } from '../custody';
import { awaitingHuman, pendingActions } from './guards';
import { daysLeft, type BookState } from './types';

/**
 * The book's status (contract): the fields a user reads, picked one by one, and what follows from
 * them. Internal bookkeeping (reminders sent, settings) stays inside the workflow.
 */
export function statusOf(s: BookState, nowMs: number): BookStatusV1 {
  const { period, warning } = bookPeriod(s.book);
  return {
    workflowId: s.workflowId,
    book: s.book,
    plan: s.plan,
    step: s.step,
    phase: s.phase,
    phaseSince: s.phaseSince,
    startedAt: s.startedAt,
    updatedAt: s.updatedAt,
    stepTimes: s.stepTimes,
    actions: s.actions,
    reviews: s.reviews,
    counts: s.counts,
    artifacts: s.artifacts,
    problems: s.problems,
    planDeadline: s.planDeadline,
    ...(s.followsPlan !== undefined && { followsPlan: s.followsPlan }),
    ...(s.extendedDeadline !== undefined && { extendedDeadline: s.extendedDeadline }),
    deadline: s.deadline,
    overdue: s.overdue,
    ...(s.overdueSince !== undefined && { overdueSince: s.overdueSince }),
    priority: s.priority,
    ...(s.withdrawn && { withdrawn: s.withdrawn }),
    ...(s.failing !== undefined && { failing: s.failing }),
    notes: s.notes ?? [],
    custodian: holderOf(s),
    handovers: s.handovers ?? [],
    period,
    ...(warning !== undefined && { periodWarning: warning }),
    awaitingHuman: awaitingHuman(s),
    pendingActions: pendingActions(s),
    daysLeft: daysLeft(s.deadline, nowMs),
  };
}
