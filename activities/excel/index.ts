import type { ArtifactStore } from '../../clients/storage/types';
import { createDoubleEntry } from './doubleEntry';
import type { Heartbeat } from '../heartbeat';
import type { XlsxLimits } from '../sheets/xlsx';
import { createValidateExcel } from './validateExcel';

export { buildTemplate, writeTemplate, type TemplateRow } from './template';
export type { ValidateExcelInput } from './validateExcel';
export type { CompareEntriesInput, CompareEntriesOutput, ResolveEntriesInput, ResolveEntriesOutput, Difference, Resolution } from './doubleEntry';
export { ROW_MISSING } from './doubleEntry';

/**
 * The Excel step's activities: `validateExcel` (returns problems, never fails on bad data),
 * `compareEntries` and `resolveEntries` (double entry).
 */
export function createExcelActivities(deps: { store: ArtifactStore; heartbeat?: Heartbeat; limits?: XlsxLimits }) {
  return { validateExcel: createValidateExcel(deps), ...createDoubleEntry(deps) };
}
export type ExcelActivities = ReturnType<typeof createExcelActivities>;
