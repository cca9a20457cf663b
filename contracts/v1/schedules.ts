import { z } from 'zod';

/**
 * The Temporal Schedules of a deployment: their ids (what `temporal schedule list` shows), the workflow
 * each one starts, and that workflow's input and result.
 */
export const SCHEDULES = {
  overdueDigest: { id: 'sohoa-overdue-digest', workflowType: 'overdueDigest', labelVi: 'Tổng hợp sổ quá hạn hằng ngày' },
  weeklyReport: { id: 'sohoa-weekly-report', workflowType: 'weeklyProgressReport', labelVi: 'Báo cáo tiến độ hằng tuần theo huyện' },
} as const;
export type ScheduleName = keyof typeof SCHEDULES;
export const scheduleIds = [SCHEDULES.overdueDigest.id, SCHEDULES.weeklyReport.id] as const;
export type ScheduleId = (typeof scheduleIds)[number];

/**
 * The digest's input (the schedule's action args): the time zone of its day, how many books a notice
 * lists, and the days before the province plan's deadline on which it also reminds each agency of its
 * open books that follow the plan (absent in schedules made before: no such reminder).
 */
export const overdueDigestInputSchema = z.object({ timeZone: z.string(), listed: z.number().int().min(1).max(500), reminderDays: z.array(z.number().int().min(1)).optional() });
export type OverdueDigestInput = z.infer<typeof overdueDigestInputSchema>;

export const overdueDigestResultSchema = z.object({
  /** The day the notices are for (yyyy-mm-dd in the time zone): one notice per agency and day. */
  day: z.string(),
  agencies: z.number(),
  books: z.number(),
  /** Notices written by this run (0 when the day's were written already). */
  written: z.number(),
  /** On a reminder day of the plan's deadline: the agencies reminded and their open books that follow the plan. */
  planReminder: z.object({ daysLeft: z.number(), agencies: z.number(), books: z.number() }).optional(),
});
export type OverdueDigestResult = z.infer<typeof overdueDigestResultSchema>;

export const weeklyReportInputSchema = z.object({ timeZone: z.string() });
export type WeeklyReportInput = z.infer<typeof weeklyReportInputSchema>;

export const weeklyReportResultSchema = z.object({
  day: z.string(),
  districts: z.number(),
  books: z.number(),
  /** Notices written by this run (0 when the day's reports were written already). */
  written: z.number(),
  files: z.array(z.object({ districtCode: z.string(), key: z.string(), sha256: z.string(), bytes: z.number() })),
});
export type WeeklyReportResult = z.infer<typeof weeklyReportResultSchema>;

/** What the scheduled activities take beside their input: the instant of the run (the workflow's clock). */
export type ScheduledRun<T> = T & { at: string };
