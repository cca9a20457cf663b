import { z } from 'zod';
import { actorSchema, type Role } from './actors';
import { isoDateTime } from './settings';
import { stepSchema, type Step } from './plan';

const count = (max = 1_000_000) => z.number().int('phải là số nguyên').min(0, 'không được âm').max(max);
const text = (max: number) => z.string().trim().min(1, 'không được để trống').max(max);
/** Storage keys the API handed out: relative, no `..`, no leading slash. */
export const storageKeySchema = z
  .string()
  .min(1)
  .max(500)
  .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\p{L}\p{N}._\-/ ]+$/u, 'khóa lưu trữ không hợp lệ');
export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 phải là 64 ký tự hex');

/** Payloads of the human actions (workflow updates). Types flow from these schemas. */
export const actionPayloads = {
  confirmInventory: z.object({
    cases: count(100_000),
    pages: count(100_000).min(1, 'sổ phải có ít nhất 1 trang'),
    condition: z.enum(['good', 'worn', 'damaged']),
    repairNeeded: z.boolean().default(false),
    note: z.string().max(1000).optional(),
  }),
  scansUploaded: z.object({
    uploadPrefix: storageKeySchema,
    declaredPdfs: count().optional(),
    declaredPages: count().optional(),
    note: z.string().max(1000).optional(),
  }),
  excelUploaded: z.object({
    excelKey: storageKeySchema,
    sha256: sha256Schema.optional(),
    records: count().optional(),
    note: z.string().max(1000).optional(),
  }),
  c06Received: z.object({
    batchRef: text(200),
    records: count(),
    /** The book's rows of the batch, normalised to the Excel template (stored by the C06 intake). */
    rowsKey: storageKeySchema.optional(),
    sha256: sha256Schema.optional(),
  }),
  approve: z.object({ note: z.string().max(1000).optional() }),
  reject: z.object({
    reasons: z.array(text(1000)).min(1, 'phải nêu ít nhất một lý do'),
    backTo: stepSchema.optional(),
  }),
  manualEntryProgress: z.object({ entered: count(), complete: z.boolean().default(false) }),
  importConfirmed: z.object({ imported: count(), failed: count(), note: z.string().max(1000).optional() }),
  extendDeadline: z.object({ deadline: isoDateTime, reason: text(1000) }),
  setPlanDeadline: z.object({ deadline: isoDateTime, reason: text(1000) }),
  setPriority: z.object({ priority: z.number().int().min(1, 'ưu tiên từ 1 đến 5').max(5, 'ưu tiên từ 1 đến 5') }),
  withdraw: z.object({ reason: text(1000).min(3, 'lý do quá ngắn') }),
} as const;

export type ActionName = keyof typeof actionPayloads;
export const actionNames = Object.keys(actionPayloads) as ActionName[];
export const actionNameSchema = z.enum(actionNames as [ActionName, ...ActionName[]]);
export type ActionPayload<A extends ActionName> = z.output<(typeof actionPayloads)[A]>;

export const ACTION_LABELS_VI: Record<ActionName, string> = {
  confirmInventory: 'Xác nhận rà soát, thống kê',
  scansUploaded: 'Báo đã tải bản quét',
  excelUploaded: 'Báo đã tải tệp Excel',
  c06Received: 'Tiếp nhận dữ liệu C06',
  approve: 'Duyệt',
  reject: 'Trả lại',
  manualEntryProgress: 'Báo tiến độ nhập trực tiếp',
  importConfirmed: 'Xác nhận đã nhập CSDLHTĐT',
  extendDeadline: 'Gia hạn',
  setPlanDeadline: 'Đổi hạn kế hoạch',
  setPriority: 'Đặt mức ưu tiên',
  withdraw: 'Rút sổ khỏi kế hoạch',
};

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

/** Which roles may take each action (admin may take any; auditors none). */
const WORK_ROLES: Record<Exclude<ActionName, 'approve' | 'reject'>, readonly Role[]> = {
  confirmInventory: ['clerk', 'contractor'],
  scansUploaded: ['contractor', 'clerk'],
  excelUploaded: ['contractor', 'clerk'],
  c06Received: ['c06', 'clerk'],
  manualEntryProgress: ['clerk'],
  importConfirmed: ['clerk'],
  extendDeadline: ['manager'],
  setPlanDeadline: ['manager'],
  setPriority: ['manager'],
  withdraw: ['manager'],
};

/** Reviews of scans and data are the agency's clerks' (or a manager's); acceptance is the managers'. */
export function rolesFor(action: ActionName, step: Step): readonly Role[] {
  if (action === 'approve' || action === 'reject') return step === 'acceptance' ? ['manager'] : ['clerk', 'manager'];
  return WORK_ROLES[action];
}

export function roleMayAct(role: Role, action: ActionName, step: Step): boolean {
  return role === 'admin' || rolesFor(action, step).includes(role);
}

/** The step a work action belongs to; review and management actions are not tied to one. */
export const WORK_ACTION_STEP: Partial<Record<ActionName, Step>> = {
  confirmInventory: 'inventory',
  scansUploaded: 'scan',
  excelUploaded: 'excel',
  c06Received: 'c06',
  manualEntryProgress: 'manualEntry',
  importConfirmed: 'import',
};
export const MANAGEMENT_ACTIONS: readonly ActionName[] = ['extendDeadline', 'setPlanDeadline', 'setPriority', 'withdraw'];
