import { z } from 'zod';
import { actorSchema, isoDateTime, sha256Schema, stepSchema, storageKeySchema } from './values';

const count = (max = 1_000_000) => z.number().int('phải là số nguyên').min(0, 'không được âm').max(max);
const text = (max: number) => z.string().trim().min(1, 'không được để trống').max(max);
const note = () => z.string().max(1000).optional();

/** Each human action's payload (a workflow update named as the action). Types flow from these schemas. */
export const actionPayloads = {
  confirmInventory: z.object({
    cases: count(100_000),
    pages: count(100_000).min(1, 'sổ phải có ít nhất 1 trang'),
    condition: z.enum(['good', 'worn', 'damaged']),
    repairNeeded: z.boolean().default(false),
    note: note(),
  }),
  scansUploaded: z.object({ uploadPrefix: storageKeySchema, declaredPdfs: count().optional(), declaredPages: count().optional(), note: note() }),
  excelUploaded: z.object({ excelKey: storageKeySchema, sha256: sha256Schema.optional(), records: count().optional(), note: note() }),
  c06Received: z.object({
    batchRef: text(200),
    records: count(),
    /** The book's rows of the batch, normalised to the Excel template (stored by the C06 intake). */
    rowsKey: storageKeySchema.optional(),
    sha256: sha256Schema.optional(),
  }),
  approve: z.object({ note: note() }),
  reject: z.object({ reasons: z.array(text(1000)).min(1, 'phải nêu ít nhất một lý do'), backTo: stepSchema.optional() }),
  manualEntryProgress: z.object({ entered: count(), complete: z.boolean().default(false) }),
  importConfirmed: z.object({ imported: count(), failed: count(), note: note() }),
  extendDeadline: z.object({ deadline: isoDateTime, reason: text(1000) }),
  setPlanDeadline: z.object({ deadline: isoDateTime, reason: text(1000) }),
  setPriority: z.object({ priority: z.number().int().min(1, 'ưu tiên từ 1 đến 5').max(5, 'ưu tiên từ 1 đến 5') }),
  withdraw: z.object({ reason: text(1000).min(3, 'lý do quá ngắn') }),
} as const;

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
