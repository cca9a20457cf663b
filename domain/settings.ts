export { isoDateTime } from '../contracts/v1/values';
export { DEFAULT_PLAN_DEADLINE, DEFAULT_REMINDER_DAYS, DEFAULT_WAIT_REMINDER_DAYS, planSettingsSchema, type PlanSettings } from '../contracts/v1/workflow';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const DAY_MS = 86_400_000;
export const days = (n: number) => n * DAY_MS;

/** dd/mm/yyyy in Vietnam's time (UTC+7 all year, no daylight saving since 1975). */
export function formatDateVi(iso: string | number): string {
  const d = new Date(new Date(iso).getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}
