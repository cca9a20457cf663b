import { z } from 'zod';
import { actionNameSchema } from './commands';
import { carriedStateSchema } from './workflow';
import {
  agencyLevelSchema,
  countsSchema,
  custodianSchema,
  failingSchema,
  handoverSchema,
  noteSchema,
  periodSchema,
  phaseSchema,
  registerTypeSchema,
  stepSchema,
} from './values';

/**
 * A book's status as the `status` query, every update and the workflow's result return it: an explicit
 * projection of the state (what a clerk, a manager and an auditor read), never the state spread out.
 */
export const bookStatusSchema = carriedStateSchema
  // Internal bookkeeping (reminders sent, settings) stays inside the workflow.
  .omit({ schemaVersion: true, remindersSent: true, lastWaitReminderAt: true, settings: true, notes: true, custodian: true, handovers: true })
  .extend({
    notes: z.array(noteSchema),
    /** The unit holding the book now: the agency that registered it until a handover. */
    custodian: custodianSchema,
    handovers: z.array(handoverSchema),
    period: periodSchema,
    periodWarning: z.string().optional(),
    awaitingHuman: z.boolean(),
    pendingActions: z.array(actionNameSchema),
    daysLeft: z.number(),
  })
  .meta({ id: 'BookStatus' });
export type BookStatusV1 = z.infer<typeof bookStatusSchema>;

/** The memo: what list results show without a query per book (what does not fit in search attributes). */
export const bookMemoSchema = z.object({
  title: z.string(),
  agencyName: z.string(),
  typeCode: z.string(),
  bookNo: z.string(),
  yearTo: z.number(),
  phase: phaseSchema,
  phaseSince: z.string(),
  pendingActions: z.array(actionNameSchema),
  counts: countsSchema,
  priority: z.number(),
  updatedAt: z.string(),
  openProblems: z.number(),
  failing: failingSchema.optional(),
  /** The holder after a handover (absent while the registering agency holds the book). */
  custodian: custodianSchema.pick({ key: true, name: true }).optional(),
});
export type BookMemo = z.infer<typeof bookMemoSchema>;

/** One line of a book list: from search attributes and memo, without asking the book. */
export const registerSummarySchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    executionStatus: z.string().describe('RUNNING, COMPLETED, TERMINATED, …'),
    startedAt: z.string(),
    closedAt: z.string().nullable(),
    agencyCode: z.string().nullable(),
    agencyName: z.string().nullable(),
    districtCode: z.string().nullable(),
    custodianKey: z.string().nullable().describe('đơn vị đang giữ sổ (mã; đơn vị sau 1/7/2025 có "n" phía trước); là đơn vị đăng ký khi chưa bàn giao'),
    custodianName: z.string().nullable(),
    handedOver: z.boolean().describe('sổ đã được bàn giao cho đơn vị khác đơn vị đăng ký'),
    level: agencyLevelSchema.nullable(),
    type: registerTypeSchema.nullable(),
    typeCode: z.string().nullable(),
    period: periodSchema.nullable(),
    bookNo: z.string().nullable(),
    yearFrom: z.number().nullable(),
    yearTo: z.number().nullable(),
    title: z.string().nullable(),
    step: stepSchema.nullable(),
    phase: z.string().nullable(),
    phaseSince: z.string().nullable(),
    overdue: z.boolean(),
    awaitingHuman: z.boolean(),
    deadline: z.string().nullable(),
    followsPlan: z.boolean().describe('hạn của sổ là hạn kế hoạch của tỉnh (GET /api/plan), hoặc hạn gia hạn nếu muộn hơn'),
    priority: z.number().nullable(),
    recordCount: z.number().nullable().describe('số trường hợp (SohoaRecordCount)'),
    counts: countsSchema,
    pendingActions: z.array(z.string()),
    openProblems: z.number(),
    updatedAt: z.string().nullable(),
    failing: failingSchema.nullable().describe('bước tự động đang lỗi lặp lại: hoạt động, số lần thử, lỗi cuối, lần thử tới'),
  })
  .meta({ id: 'RegisterSummary' });
export type RegisterSummary = z.infer<typeof registerSummarySchema>;
