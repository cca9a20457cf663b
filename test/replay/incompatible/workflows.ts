import { upsertMemo } from '@temporalio/workflow';
import { registerDigitization as current } from '../../../workflows/registerDigitization';
import { overdueDigest as currentDigest, weeklyProgressReport as currentReport } from '../../../workflows/schedules';
import type { WorkflowInputV1 as WorkflowInput } from '../../../contracts/v1';
import type { OverdueDigestInput, WeeklyReportInput } from '../../../contracts/v1/schedules';
import type { ProvincePlanInput } from '../../../contracts/v1/plan';
import { provincePlan as currentPlan } from '../../../workflows/provincePlan';

/**
 * A careless change: a new command before each workflow's first one, not gated by patched(). Replay must
 * catch it. (A new timer would not do: a book whose first command is its wake-up timer, which the new
 * timer's firing resumes, replays the same commands.)
 */
export async function registerDigitization(input: WorkflowInput) {
  upsertMemo({ careless: true });
  return current(input);
}

export async function overdueDigest(input: OverdueDigestInput) {
  upsertMemo({ careless: true });
  return currentDigest(input);
}

export async function weeklyProgressReport(input: WeeklyReportInput) {
  upsertMemo({ careless: true });
  return currentReport(input);
}

export async function provincePlan(input: ProvincePlanInput) {
  upsertMemo({ careless: true });
  return currentPlan(input);
}
