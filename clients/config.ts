import { z } from 'zod';
import { DEFAULT_PLAN_DEADLINE, DEFAULT_REMINDER_DAYS, DEFAULT_WAIT_REMINDER_DAYS, isoDateTime } from '../domain/settings';

const int = (def: number, min = 1, max = 1_000_000) => z.coerce.number().int().min(min).max(max).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
const dayList = z
  .string()
  .default(DEFAULT_REMINDER_DAYS.join(','))
  .transform((s, ctx) => {
    const days = s.split(',').map((x) => Number(x.trim()));
    if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) {
      ctx.addIssue({ code: 'custom', message: 'phải là danh sách số ngày, ví dụ 30,7' });
      return z.NEVER;
    }
    return days;
  });

/** Every setting, from environment variables, with defaults for the embedded run. */
export const configSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('sohoa'),
  SOHOA_DATA_DIR: z.string().default('./data'),
  SOHOA_STORAGE: z.enum(['fs', 's3']).default('fs'),
  SOHOA_STORAGE_ROOT: z.string().optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().default('sohoa'),
  S3_ACCESS_KEY: z.string().optional(),
  S3_SECRET_KEY: z.string().optional(),
  SOHOA_GATEWAY: z.enum(['outbox', 'http']).default('outbox'),
  SOHOA_GATEWAY_URL: z.url().optional(),
  SOHOA_PLAN_DEADLINE: isoDateTime.default(DEFAULT_PLAN_DEADLINE),
  SOHOA_REMINDER_DAYS: dayList,
  SOHOA_WAIT_REMINDER_DAYS: int(DEFAULT_WAIT_REMINDER_DAYS, 1, 365),
  SOHOA_PRICE_PER_PAGE: int(11_200, 0, 10_000_000),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: int(3000, 0, 65535),
  SOHOA_MAX_UPLOAD_MB: int(2048, 1, 100_000),
  WORKER_MAX_CACHED_WORKFLOWS: int(2000),
  WORKER_MAX_CONCURRENT_ACTIVITIES: int(8),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: int(40),
  SOHOA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SOHOA_DEMO: bool(false),
  /** What the worker runs: the prebuilt bundle (rebuilt when older than the sources) or the sources. */
  SOHOA_WORKFLOWS: z.enum(['bundle', 'source']).default('bundle'),
});
export type Config = z.output<typeof configSchema>;

/** Parses the environment; a bad value stops the process with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const r = configSchema.safeParse(env);
  if (r.success) {
    if (r.data.SOHOA_STORAGE === 's3' && !r.data.S3_ENDPOINT) throw new Error('S3_ENDPOINT: bắt buộc khi SOHOA_STORAGE=s3');
    if (r.data.SOHOA_GATEWAY === 'http' && !r.data.SOHOA_GATEWAY_URL) throw new Error('SOHOA_GATEWAY_URL: bắt buộc khi SOHOA_GATEWAY=http');
    return r.data;
  }
  const lines = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new Error(`cấu hình không hợp lệ:\n  ${lines.join('\n  ')}`);
}

export const planSettingsFromConfig = (c: Config) => ({
  deadline: c.SOHOA_PLAN_DEADLINE,
  reminderDays: c.SOHOA_REMINDER_DAYS,
  waitReminderDays: c.SOHOA_WAIT_REMINDER_DAYS,
});
