import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import type { OverdueDigestInput, OverdueDigestResult, WeeklyReportInput, WeeklyReportResult } from '../contracts/v1/schedules';

/**
 * A scheduled run reads every book of the province from visibility and writes notices and files:
 * minutes at most. A few attempts, then the run fails, and the schedule's last result shows it.
 */
const { sendOverdueDigest, writeWeeklyReports } = proxyActivities<Activities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 5 },
});

/** Started by the schedule `sohoa-overdue-digest`: one notice per agency listing its overdue books, for the day of the run. */
export async function overdueDigest(input: OverdueDigestInput): Promise<OverdueDigestResult> {
  return sendOverdueDigest({ ...input, at: new Date(Date.now()).toISOString() });
}

/** Started by the schedule `sohoa-weekly-report`: one workbook per district in the store, and a notice to its manager. */
export async function weeklyProgressReport(input: WeeklyReportInput): Promise<WeeklyReportResult> {
  return writeWeeklyReports({ ...input, at: new Date(Date.now()).toISOString() });
}
