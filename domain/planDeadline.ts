import type { BookStatusV1, RegisterSummary } from '../contracts/v1/status';
import { daysLeft } from './state/types';

/**
 * Books that follow the province plan keep no deadline of their own but an extension: their deadline
 * and whether they are overdue are the readers' to derive from the plan's deadline as it is now. One
 * move of the plan is then one write, and the day it passes fires no timer in 40,000 books.
 */
export interface PlanNow {
  /** The province plan's deadline (ISO 8601). */
  deadline: string;
  nowMs: number;
}

/** A following book's deadline: the plan's, or its extension when that is later. */
export function followingDeadline(planDeadline: string, extended: string | null | undefined): string {
  return extended && Date.parse(extended) > Date.parse(planDeadline) ? extended : planDeadline;
}

/** Whether a following book, open, with this extension is overdue now (visibilityQuery's clause says the same). */
export const overdueUnderPlan = (plan: PlanNow, extendedMs: number | null): boolean => plan.nowMs >= Math.max(Date.parse(plan.deadline), extendedMs ?? -Infinity);

/** A book's status with the plan's deadline in place of the one it started with (as it is, for a book with its own). */
export function statusUnderPlan(status: BookStatusV1, plan: PlanNow): BookStatusV1 {
  if (!status.followsPlan) return status;
  const deadline = followingDeadline(plan.deadline, status.extendedDeadline);
  const overdue = status.phase !== 'closed' && overdueUnderPlan(plan, status.extendedDeadline ? Date.parse(status.extendedDeadline) : null);
  const { overdueSince: _, ...rest } = status;
  return { ...rest, planDeadline: plan.deadline, deadline, overdue, ...(overdue && { overdueSince: deadline }), daysLeft: daysLeft(deadline, plan.nowMs) };
}

/**
 * A list line with the plan's deadline: a following book's `deadline` as visibility holds it
 * (SohoaDeadline) is its extension alone, if any.
 */
export function summaryUnderPlan(summary: RegisterSummary, plan: PlanNow): RegisterSummary {
  if (!summary.followsPlan) return summary;
  const extended = summary.deadline ? Date.parse(summary.deadline) : null;
  return {
    ...summary,
    deadline: followingDeadline(plan.deadline, summary.deadline),
    overdue: summary.executionStatus === 'RUNNING' && overdueUnderPlan(plan, extended),
  };
}
