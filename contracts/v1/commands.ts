import { z } from 'zod';
import { builtOnFirstUse } from './builtOnFirstUse';
import { actorSchema, custodianSchema, isoDateTime, sha256Schema, stepSchema, storageKeySchema, unitKeySchema, type Role, type Step } from './values';

const count = (max = 1_000_000) => z.number().int('phải là số nguyên').min(0, 'không được âm').max(max);
const text = (max: number) => z.string().trim().min(1, 'không được để trống').max(max);
const note = () => z.string().max(1000).optional();

/**
 * Each human action (a workflow update named as the action): its payload, its label, who may send it
 * and when: at a step's work (`step`), at a review (`review`), or whenever the book is open (`open`).
 * Adding an action is one entry here, its transition in domain/state/transitions.ts, and its form in
 * the dashboard; the compiler points at the last two.
 */
export const actionSpecs = {
  confirmInventory: {
    label: 'Xác nhận rà soát, thống kê',
    roles: ['clerk', 'contractor'],
    when: { step: 'inventory' },
    payload: () => z.object({
      cases: count(100_000),
      pages: count(100_000).min(1, 'sổ phải có ít nhất 1 trang'),
      condition: z.enum(['good', 'worn', 'damaged']),
      repairNeeded: z.boolean().default(false),
      note: note(),
    }),
  },
  scansUploaded: {
    label: 'Báo đã tải bản quét',
    roles: ['contractor', 'clerk'],
    when: { step: 'scan' },
    payload: () => z.object({ uploadPrefix: storageKeySchema, declaredPdfs: count().optional(), declaredPages: count().optional(), note: note() }),
  },
  excelUploaded: {
    label: 'Báo đã tải tệp Excel',
    roles: ['contractor', 'clerk'],
    when: { step: 'excel' },
    payload: () => z.object({ excelKey: storageKeySchema, sha256: sha256Schema.optional(), records: count().optional(), note: note() }),
  },
  c06Received: {
    label: 'Tiếp nhận dữ liệu C06',
    roles: ['c06', 'clerk'],
    when: { step: 'c06' },
    payload: () => z.object({
      batchRef: text(200),
      records: count(),
      /** The book's rows of the batch, normalised to the Excel template (stored by the C06 intake). */
      rowsKey: storageKeySchema.optional(),
      sha256: sha256Schema.optional(),
    }),
  },
  /**
   * The clerk's decision on the rows a C06 delivery left doubtful (flagged by the intake or failing the
   * Excel rules): kept as the original book has them, for the reason given; the book goes to review.
   * To correct them instead, C06 sends the batch again (a new `c06Received`).
   */
  c06RowsConfirmed: {
    label: 'Xác nhận giữ nguyên các dòng C06 bị đánh dấu',
    roles: ['clerk'],
    when: { step: 'c06' },
    payload: () => z.object({ reason: text(1000).min(3, 'lý do quá ngắn') }),
  },
  /** Reviews of scans and data are the agency's clerks' (or a manager's); acceptance is the managers'. */
  approve: { label: 'Duyệt', roles: ['clerk', 'manager'], when: 'review', payload: () => z.object({ note: note() }) },
  reject: {
    label: 'Trả lại',
    roles: ['clerk', 'manager'],
    when: 'review',
    payload: () => z.object({ reasons: z.array(text(1000)).min(1, 'phải nêu ít nhất một lý do'), backTo: stepSchema.optional() }),
  },
  manualEntryProgress: {
    label: 'Báo tiến độ nhập trực tiếp',
    roles: ['clerk'],
    when: { step: 'manualEntry' },
    payload: () => z.object({ entered: count(), complete: z.boolean().default(false) }),
  },
  importConfirmed: {
    label: 'Xác nhận đã nhập CSDLHTĐT',
    roles: ['clerk'],
    when: { step: 'import' },
    payload: () => z.object({ imported: count(), failed: count(), note: note() }),
  },
  extendDeadline: { label: 'Gia hạn', roles: ['manager'], when: 'open', payload: () => z.object({ deadline: isoDateTime, reason: text(1000) }) },
  setPlanDeadline: { label: 'Đổi hạn kế hoạch', roles: ['manager'], when: 'open', payload: () => z.object({ deadline: isoDateTime, reason: text(1000) }) },
  setPriority: {
    label: 'Đặt mức ưu tiên',
    roles: ['manager'],
    when: 'open',
    payload: () => z.object({ priority: z.number().int().min(1, 'ưu tiên từ 1 đến 5').max(5, 'ưu tiên từ 1 đến 5') }),
  },
  withdraw: { label: 'Rút sổ khỏi kế hoạch', roles: ['manager'], when: 'open', payload: () => z.object({ reason: text(1000).min(3, 'lý do quá ngắn') }) },
  addNote: { label: 'Ghi chú', roles: ['clerk', 'manager'], when: 'open', payload: () => z.object({ text: text(2000) }) },
  /**
   * Hands the book to another unit (the 2025 reorganisation): the API resolves the unit from the data
   * (see `handoverRequestSchema`), so the workflow receives it whole with the keys that cover it.
   */
  changeCustodian: {
    label: 'Bàn giao sổ cho đơn vị khác giữ',
    roles: ['manager'],
    when: 'open',
    payload: () => z.object({ to: custodianSchema, reason: text(1000).min(3, 'lý do quá ngắn') }),
  },
} as const satisfies Record<string, ActionSpec>;

/**
 * What a person sends to hand books over: the receiving unit's key, or `successor` for the unit the
 * succession data (and the province's settings for district books) names for each book.
 */
export const handoverRequestSchema = z.object({
  to: z.union([z.literal('successor'), unitKeySchema]).default('successor'),
  reason: text(1000).min(3, 'lý do quá ngắn'),
});
export type HandoverRequest = z.output<typeof handoverRequestSchema>;

interface ActionSpec {
  label: string;
  roles: readonly Role[];
  when: { step: Step } | 'review' | 'open';
  /** Built on first use (see `actionPayloads`). */
  payload: () => z.ZodType;
}

/** Review actions at acceptance are the managers' alone. */
export const ACCEPTANCE_REVIEW_ROLES: readonly Role[] = ['manager'];

/**
 * Each action's payload schema, built the first time it is read: the workflow's bundle evaluates this
 * module again for every book it brings into memory, and a book replays a few actions, not sixteen.
 */
export const actionPayloads = builtOnFirstUse(Object.fromEntries(Object.entries(actionSpecs).map(([a, spec]) => [a, spec.payload]))) as {
  [A in keyof typeof actionSpecs]: ReturnType<(typeof actionSpecs)[A]['payload']>;
};

export type ActionName = keyof typeof actionPayloads;
export const actionNames = Object.keys(actionPayloads) as ActionName[];
export const actionNameSchema = z.enum(actionNames as [ActionName, ...ActionName[]]);
export type ActionPayload<A extends ActionName> = z.output<(typeof actionPayloads)[A]>;

/** One command: an action with its payload, as one discriminated union (switches over it are exhaustive). */
export type Command = { [A in ActionName]: { action: A; payload: ActionPayload<A> } }[ActionName];
/**
 * An action as sent to the workflow: who, what, the request's id (for the audit trail) and, when the
 * client sent one, its idempotency key: a key already applied by this book, in this run or an earlier
 * one, is refused as `noChange` (Temporal's own update-id dedupe does not reach across runs).
 */
export const actionRequestSchema = z.object({
  actor: actorSchema,
  payload: z.unknown(),
  requestId: z.string().max(100).optional(),
  idempotencyKey: z.string().max(200).optional(),
});
export type ActionRequest = z.infer<typeof actionRequestSchema>;

/** What a book keeps of an accepted action (the full record is the event history). */
export const actionRecordSchema = z.object({
  userId: z.string(),
  role: actorSchema.shape.role,
  agencyCode: z.string(),
  at: z.string(),
  action: actionNameSchema,
  step: stepSchema,
  requestId: z.string().optional(),
  idempotencyKey: z.string().optional(),
});
export type ActionRecord = z.infer<typeof actionRecordSchema>;
