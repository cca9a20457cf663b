import { z } from 'zod';

/** The plan's deadline is data: 01/01/2025 by default (Decision 1959/QĐ-UBND); it slipped to 12/3/2025. */
export const DEFAULT_PLAN_DEADLINE = '2025-01-01T00:00:00+07:00';
export const DEFAULT_REMINDER_DAYS = [30, 7];
export const DEFAULT_WAIT_REMINDER_DAYS = 14;
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

export const isoDateTime = z.iso.datetime({ offset: true, message: 'phải là thời điểm ISO 8601, ví dụ 2025-03-12T00:00:00+07:00' });

export const planSettingsSchema = z.object({
  deadline: isoDateTime.default(DEFAULT_PLAN_DEADLINE),
  reminderDays: z.array(z.number().int().min(1).max(365)).max(5).default(DEFAULT_REMINDER_DAYS),
  waitReminderDays: z.number().int().min(1).max(365).default(DEFAULT_WAIT_REMINDER_DAYS),
});
export type PlanSettings = z.infer<typeof planSettingsSchema>;

const DAY_MS = 86_400_000;
export const days = (n: number) => n * DAY_MS;

/** dd/mm/yyyy in Vietnam's time (UTC+7 all year, no daylight saving since 1975). */
export function formatDateVi(iso: string | number): string {
  const d = new Date(new Date(iso).getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}
