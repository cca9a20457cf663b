import { z } from 'zod';
import { actionRecordSchema } from './commands';
import {
  actorStampSchema,
  artifactSchema,
  bookSchema,
  countsSchema,
  custodianSchema,
  failingSchema,
  handoverSchema,
  isoDateTime,
  noteSchema,
  noticeSchema,
  phaseSchema,
  problemSchema,
  reviewSchema,
  stepSchema,
} from './values';

/** Workflow type and task queue. */
export const WORKFLOW_TYPE = 'registerDigitization';
export const TASK_QUEUE = 'sohoa';
/**
 * The workflow code generation a book is started under (`codeVersion` of its input): from 2 on, every
 * patch introduced before it is in force from the start, without a marker (workflows/patches.ts); from
 * 3 on, an action takes what it made due in the same change.
 */
export const CODE_VERSION = 3;

/** The plan's deadline is data: 01/01/2025 by default (Decision 1959/QĐ-UBND); it slipped to 12/3/2025. */
export const DEFAULT_PLAN_DEADLINE = '2025-01-01T00:00:00+07:00';
export const DEFAULT_REMINDER_DAYS = [30, 7];
export const DEFAULT_WAIT_REMINDER_DAYS = 14;
export const planSettingsSchema = z.object({
  deadline: isoDateTime.default(DEFAULT_PLAN_DEADLINE),
  reminderDays: z.array(z.number().int().min(1).max(365)).max(5).default(DEFAULT_REMINDER_DAYS),
  waitReminderDays: z.number().int().min(1).max(365).default(DEFAULT_WAIT_REMINDER_DAYS),
  /**
   * The book keeps the province plan's deadline (`deadline` is the plan's when it started): readers take
   * the plan's current one (contracts/v1/plan.ts), so moving it is one write, not one per book.
   */
  followsPlan: z.boolean().optional(),
});
export type PlanSettings = z.infer<typeof planSettingsSchema>;

/**
 * A book's whole state, as one run hands it to the next by continue-as-new. Its shape is a contract
 * with runs already open: a new shape is a new `schemaVersion`, and `upgradeCarried` reads every older one.
 */
export const carriedStateSchema = z.object({
  schemaVersion: z.literal(1),
  workflowId: z.string(),
  book: bookSchema,
  plan: z.array(stepSchema),
  step: stepSchema,
  phase: phaseSchema,
  phaseSince: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  stepTimes: z.partialRecord(stepSchema, z.object({ startedAt: z.string(), completedAt: z.string().optional() })),
  /** Last accepted actions (the full record is the event history). */
  actions: z.array(actionRecordSchema),
  reviews: z.array(reviewSchema),
  counts: countsSchema,
  artifacts: z.array(artifactSchema),
  problems: z.array(problemSchema),
  planDeadline: z.string(),
  /**
   * True: the book follows the province plan's deadline: `planDeadline` is the plan's as the book
   * started, readers put the plan's current one in its place and derive `deadline` and `overdue`, and
   * the book sets no deadline timer of its own. False once a manager gave it a plan deadline of its own.
   * Absent in books started before the plan was kept apart (their own deadline, as false).
   */
  followsPlan: z.boolean().optional(),
  extendedDeadline: z.string().optional(),
  deadline: z.string(),
  overdue: z.boolean(),
  overdueSince: z.string().optional(),
  remindersSent: z.array(z.string()),
  lastWaitReminderAt: z.string().optional(),
  priority: z.number().int(),
  withdrawn: actorStampSchema.extend({ reason: z.string() }).optional(),
  /**
   * Set while the automatic step fails round after round; `null` once it healed or the step moved on.
   * Absent in books that never failed (their search attributes and memo stay as they were).
   */
  failing: failingSchema.nullable().optional(),
  /** Notes people left on the book (absent in books that never had one). */
  notes: z.array(noteSchema).optional(),
  /** The unit holding the book when it is no longer the agency that registered it (absent until a handover). */
  custodian: custodianSchema.optional(),
  /** Every change of holder, oldest first (absent until a handover). */
  handovers: z.array(handoverSchema).optional(),
  settings: planSettingsSchema.pick({ reminderDays: true, waitReminderDays: true }),
});
export type CarriedStateV1 = z.infer<typeof carriedStateSchema>;

/**
 * The carried state of any version as the current one. Version 0 (no `schemaVersion`) is the
 * state of the runs that continued as new before the contracts were written down: the same fields.
 */
export function upgradeCarried(carried: unknown): CarriedStateV1 {
  const shape = carried as { schemaVersion?: number };
  if (shape.schemaVersion === undefined) return carriedStateSchema.parse({ ...shape, schemaVersion: 1 });
  return carriedStateSchema.parse(carried);
}

/** What starts a book's workflow, and what continue-as-new hands to the next run beside it. */
export const workflowInputSchema = z.object({
  book: bookSchema,
  plan: planSettingsSchema,
  priority: z.number().int().min(1).max(5).default(3),
  /** The book's state at the end of the previous run (any version; see `upgradeCarried`). */
  carried: z.unknown().optional(),
  /**
   * The steps with automatic work, decided once by the first run's patches: a book started before an
   * automation existed keeps its path in every later run (patches alone would give it the new one).
   */
  automations: z.array(stepSchema).optional(),
  /**
   * Overdue books are listed in their agency's daily digest instead of a notice each; decided once by
   * the first run's patch, like `automations`. Absent in a later run: the book predates the digest.
   */
  overdueDigest: z.boolean().optional(),
  /** The code generation the book started under (`CODE_VERSION`); absent in books started before it. */
  codeVersion: z.number().int().min(1).optional(),
  /**
   * When the start request was made: the initial state's times, so that the state the start request
   * published (search attributes and memo) is the one the first workflow task computes, which then
   * publishes nothing. Absent in books started before it (their first task took its own time).
   */
  startedAt: isoDateTime.optional(),
  /** Notices taken due but not yet written when the previous run ended. */
  notices: z.array(noticeSchema).optional(),
});
export type WorkflowInputV1 = z.output<typeof workflowInputSchema>;
