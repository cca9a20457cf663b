import type { ActionName, Role, Step } from '../contracts/v1';

export {
  actionNames,
  actionNameSchema,
  actionPayloads,
  actionRequestSchema,
  sha256Schema,
  storageKeySchema,
  type ActionName,
  type ActionPayload,
  type ActionRequest,
  type Command,
} from '../contracts/v1';

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
