import { sleep } from '@temporalio/workflow';
import { registerDigitization as current } from '../../../workflows/registerDigitization';
import { overdueDigest as currentDigest, weeklyProgressReport as currentReport } from '../../../workflows/schedules';
import type { WorkflowInputV1 as WorkflowInput } from '../../../contracts/v1';
import type { OverdueDigestInput, WeeklyReportInput } from '../../../contracts/v1/schedules';

/** A careless change: a new timer before each workflow's first command, not gated by patched(). Replay must catch it. */
export async function registerDigitization(input: WorkflowInput) {
  await sleep('1 minute');
  return current(input);
}

export async function overdueDigest(input: OverdueDigestInput) {
  await sleep('1 minute');
  return currentDigest(input);
}

export async function weeklyProgressReport(input: WeeklyReportInput) {
  await sleep('1 minute');
  return currentReport(input);
}
