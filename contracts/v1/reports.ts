import { z } from 'zod';

/** Who appears in a timeline: a person (actions, creation, refusals); null in an entry means the system. */
export const timelineActorSchema = z.object({ userId: z.string(), role: z.string(), agencyCode: z.string().optional(), scope: z.string().optional() });
export type TimelineActor = z.infer<typeof timelineActorSchema>;

export const timelineKinds = [
  'created',
  'action',
  'denied',
  'activityScheduled',
  'activityRetried',
  'activityCompleted',
  'activityFailed',
  'activityTimedOut',
  'timerStarted',
  'timerFired',
  'timerCanceled',
  'stateChanged',
  'workflowTaskFailed',
  'continuedAsNew',
  'closed',
] as const;

/** One entry of a book's history as auditors read it. */
export const timelineEntrySchema = z
  .object({
    at: z.string(),
    runId: z.string(),
    eventId: z.number().nullable(),
    kind: z.enum(timelineKinds),
    actor: timelineActorSchema.nullable().describe('người thực hiện; null = hệ thống'),
    text: z.string(),
    action: z.string().optional(),
    payload: z.unknown().optional(),
    requestId: z.string().optional().describe('mã yêu cầu do máy chủ đặt'),
    idempotencyKey: z.string().optional().describe('khóa Idempotency-Key của thao tác, kèm dấu vân tay dữ liệu (khóa~…)'),
    outcome: z.enum(['ok', 'failed', 'pending']).optional(),
    error: z.string().optional(),
    activity: z.string().optional(),
    attempt: z.number().optional(),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })).optional(),
  })
  .meta({ id: 'TimelineEntry' });
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const timelineSchema = z.object({ id: z.string(), runs: z.array(z.string()), actors: z.array(timelineActorSchema), entries: z.array(timelineEntrySchema) });
export type Timeline = z.infer<typeof timelineSchema>;

/**
 * Groupings of the progress report: by the units that registered the books (district, agency: as the
 * 2023 plan counted them), by the unit holding them now (custodian), or by the 2025 commune or province
 * that holds or will hold them (unit2025: a book not yet handed over counts under its successor).
 */
export const progressDimensions = ['district', 'agency', 'custodian', 'unit2025', 'type', 'period', 'step', 'level'] as const;
export type ProgressDimension = (typeof progressDimensions)[number];

/** One line of the progress report. */
export const progressRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  books: z.number().describe('số sổ'),
  cases: z.number().describe('số trường hợp (SohoaRecordCount)'),
  pages: z.number().describe('số trang (memo)'),
  done: z.number(),
  inProgress: z.number(),
  withdrawn: z.number(),
  overdue: z.number(),
  awaitingHuman: z.number(),
  /** done ÷ (books − withdrawn), in percent with one decimal. */
  percentDone: z.number(),
});
export type ProgressRow = z.infer<typeof progressRowSchema>;

/** `GET /api/reports/progress`: one row per group, and the total. */
export const progressReportSchema = z.object({ by: z.enum(progressDimensions), generatedAt: z.string(), rows: z.array(progressRowSchema), total: progressRowSchema });
export type ProgressReport = z.infer<typeof progressReportSchema>;

/** An automatic step that keeps failing, as the stuck report lists it. */
export const failingActivitySchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  step: z.string().nullable(),
  activity: z.string(),
  attempt: z.number(),
  lastError: z.string().nullable(),
  since: z.string().nullable().describe('lần đầu hoạt động được lên lịch: sổ kẹt từ lúc này'),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});
export type FailingActivity = z.infer<typeof failingActivitySchema>;

/** A book waiting for a person longer than the report's days. */
export const waitingBookSchema = z.object({ id: z.string(), title: z.string().nullable(), step: z.string().nullable(), phase: z.string().nullable(), since: z.string(), days: z.number() });
export type WaitingBook = z.infer<typeof waitingBookSchema>;

/** `GET /api/reports/weekly`: the weekly progress workbooks of the caller's districts, newest first. */
export const weeklyReportsSchema = z.object({
  items: z.array(
    z.object({
      day: z.string().describe('ngày lập (yyyy-mm-dd, giờ Việt Nam)'),
      districtCode: z.string(),
      districtName: z.string(),
      file: z.string().describe('tên tệp; tải tại /api/reports/weekly/{file}'),
      bytes: z.number(),
      sha256: z.string(),
    }),
  ),
});
export type WeeklyReports = z.infer<typeof weeklyReportsSchema>;

/** `GET /api/reports/stuck`: every failing book, and a page of the books waiting for a person. */
export const stuckReportSchema = z.object({
  days: z.number(),
  failing: z.array(failingActivitySchema),
  waiting: z.array(waitingBookSchema).describe('một trang sổ chờ người, chờ lâu nhất trước'),
  waitingTotal: z.number().describe('số sổ chờ người quá số ngày'),
  books: z.number().describe('số sổ bị kẹt (lỗi hoặc chờ người), mỗi sổ tính một lần'),
  nextOffset: z.number().optional().describe('offset của trang sổ chờ người tiếp theo'),
});
export type StuckReport = z.infer<typeof stuckReportSchema>;
