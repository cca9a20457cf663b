import type { Step } from '../contracts/v1/values';
import type { RegisterType } from './registerTypes';
import type { AgencyLevel } from './agencies';

export { steps, stepSchema, type Step } from '../contracts/v1/values';

export type DataStep = 'excel' | 'c06' | 'manualEntry';

export const STEP_LABELS_VI: Record<Step, string> = {
  inventory: 'Rà soát, thống kê',
  scan: 'Số hóa (quét PDF)',
  excel: 'Nhập liệu Excel',
  c06: 'Dữ liệu C06 bàn giao',
  manualEntry: 'Nhập trực tiếp',
  import: 'Nhập vào CSDLHTĐT',
  acceptance: 'Nghiệm thu',
  done: 'Hoàn thành',
  withdrawn: 'Đã rút',
};

const MANUAL_TYPES: readonly RegisterType[] = ['guardianship', 'guardianshipEnd', 'divorceNote', 'change'];
const C06_AT_COMMUNE: readonly RegisterType[] = ['birth', 'marriage', 'death', 'adoption'];

/** The routing of the plan (../shared/domain.md): which data step a book goes through. */
export function dataStepFor(type: RegisterType, level: AgencyLevel): DataStep {
  if (MANUAL_TYPES.includes(type)) return 'manualEntry';
  if (level === 'commune' && C06_AT_COMMUNE.includes(type)) return 'c06';
  return 'excel';
}

/** The ordered steps of a book, ending with `done`. */
export function planFor(type: RegisterType, level: AgencyLevel): Step[] {
  const data = dataStepFor(type, level);
  return data === 'manualEntry'
    ? ['inventory', 'scan', data, 'acceptance', 'done']
    : ['inventory', 'scan', data, 'import', 'acceptance', 'done'];
}
