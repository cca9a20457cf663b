import { z } from 'zod';
import { pageFindingCodes, type PageFindingCode } from '../contracts/v1/quality';
import { DEFAULT_PLAN_DEADLINE, DEFAULT_REMINDER_DAYS, DEFAULT_WAIT_REMINDER_DAYS, isoDateTime, TIME_ZONE } from '../domain/settings';

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

/** A time of day, `HH:MM` (24 hours), as the hour and minute a schedule fires at. */
const timeOfDay = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s, ctx) => {
      const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', message: 'phải là giờ HH:MM, ví dụ 07:30' });
        return z.NEVER;
      }
      return { hour: Number(m[1]), minute: Number(m[2]) };
    });
const timeZone = z
  .string()
  .default(TIME_ZONE)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'phải là múi giờ IANA, ví dụ Asia/Ho_Chi_Minh');
const findingList = (def: readonly string[]) =>
  z
    .string()
    .default(def.join(','))
    .transform((s, ctx) => {
      const codes = s.split(',').map((x) => x.trim()).filter(Boolean);
      const bad = codes.filter((c) => !(pageFindingCodes as readonly string[]).includes(c));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `không biết lỗi trang ${bad.join(', ')}; chọn trong ${pageFindingCodes.join(', ')}` });
        return z.NEVER;
      }
      return codes as PageFindingCode[];
    });
export const weekDays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/**
 * Limits on what a user's file may hold, checked while it is read, before anything is built from
 * it: a file over one is refused with a message naming the variable. Chosen so that every parser
 * stays under 300 MB whatever the file holds.
 */
export const limitsSchema = z.object({
  /** Data rows of one inventory file (POST /api/registers/import). */
  SOHOA_MAX_INVENTORY_ROWS: int(50_000, 1, 10_000_000),
  /** Data rows of one C06 batch. */
  SOHOA_MAX_C06_ROWS: int(200_000, 1, 10_000_000),
  /** Cells of one spreadsheet row or CSV record. */
  SOHOA_MAX_ROW_CELLS: int(256, 1, 16_384),
  /** Characters of one cell (Excel's own maximum by default). */
  SOHOA_MAX_CELL_CHARS: int(32_767, 1, 10_000_000),
  /** Shared strings of one .xlsx, and their characters all together: they are held while the sheet is read. */
  SOHOA_MAX_SHARED_STRINGS: int(1_000_000, 1, 100_000_000),
  SOHOA_MAX_SHARED_STRINGS_CHARS: int(20_000_000, 1, 1_000_000_000),
  /** Bytes one .xlsx may unpack to (declared sizes, checked before unpacking). */
  SOHOA_MAX_XLSX_INFLATED_MB: int(512, 1, 100_000),
  /** Page images: pixels and longest side declared in their header; fewer pixels for PNGs that must be decoded (alpha, interlaced). */
  SOHOA_MAX_IMAGE_MEGAPIXELS: int(100, 1, 10_000),
  SOHOA_MAX_IMAGE_SIDE: int(30_000, 1, 1_000_000),
  SOHOA_MAX_DECODED_IMAGE_MEGAPIXELS: int(12, 1, 10_000),
  /** Entries of a delivered zip, and how much more an entry over 1 MB may unpack to than it weighs packed. */
  SOHOA_MAX_ZIP_ENTRIES: int(100_000, 1, 10_000_000),
  SOHOA_MAX_ZIP_RATIO: int(100, 2, 1_000_000),
  /**
   * One case's PDF (delivered, or built from its page images, all held in memory while it is
   * made): its size, which also bounds any stream unpacked while opening it; its objects (about
   * 450 bytes each once parsed); its pages. And the pages of a whole delivery.
   */
  SOHOA_MAX_PDF_MB: int(25, 1, 100_000),
  SOHOA_MAX_PDF_OBJECTS: int(100_000, 1, 100_000_000),
  SOHOA_MAX_PDF_PAGES: int(2_000, 1, 1_000_000),
  SOHOA_MAX_DELIVERY_PAGES: int(50_000, 1, 10_000_000),
});
export type Limits = z.output<typeof limitsSchema>;
export type LimitName = keyof Limits;
export const DEFAULT_LIMITS: Limits = limitsSchema.parse({});
export const limitsOf = (c: Config): Limits => limitsSchema.parse(c);

/** Every setting, from environment variables, with defaults for the embedded run. */
export const configSchema = z.object({
  ...limitsSchema.shape,
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
  /** The province served, by its code before 1/7/2025 (49 = Quảng Nam): its units come from domain/data/units. */
  SOHOA_PROVINCE: z.string().regex(/^\d{2}$/, 'mã tỉnh là 2 chữ số (mã thống kê trước 1/7/2025, ví dụ 49)').default('49'),
  /** The province's succession settings (district books' successors, reading by abolished districts); default config/provinces/{SOHOA_PROVINCE}.json. */
  SOHOA_SUCCESSION_FILE: z.string().optional(),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: int(3000, 0, 65535),
  SOHOA_MAX_UPLOAD_MB: int(2048, 1, 100_000),
  /**
   * Drafts (`PUT …/scans|excel?submit=false`): kept for a later submission or a double-entry
   * comparison, at most this many per book, and removed when not submitted within their time.
   */
  SOHOA_MAX_DRAFTS_PER_BOOK: int(10, 1, 1000),
  /** Status answers the API keeps, each valid for one version of its book (0: every read asks Temporal). */
  SOHOA_STATUS_CACHE_BOOKS: int(20_000, 0, 1_000_000),
  /** How often the API's read model (overview, sorted lists, stuck list) looks for changed books, in ms. */
  SOHOA_INDEX_POLL_MS: int(1000, 100, 600_000),
  SOHOA_DRAFT_TTL_S: int(7 * 86_400, 1, 365 * 86_400),
  /** How long the API waits for a worker to read a user's file (inventory, C06 batch) before 504. */
  SOHOA_PARSE_TIMEOUT_S: int(600, 1, 86_400),
  /** How often the API looks for drafts past their time. */
  SOHOA_DRAFT_SWEEP_S: int(3600, 1, 86_400),
  /**
   * Books a worker keeps in memory between tasks; each costs about 1.7 MB (the workflow bundle's modules
   * are instantiated per workflow), so 300 keeps a worker under 1 GB. A book out of the cache is replayed
   * from its history at its next task: correct, a few tens of ms slower (bench:scale measures it).
   */
  WORKER_MAX_CACHED_WORKFLOWS: int(300),
  WORKER_MAX_CONCURRENT_ACTIVITIES: int(8),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: int(40),
  /** Opt-in: the worker answers /health/live and /health/ready on this port, and serves the SDK's Prometheus metrics on the other. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  WORKER_HTTP_HOST: z.string().default('127.0.0.1'),
  /** Days a token stays valid after it was issued or rotated (`sohoa user rotate` gives a new one); 0: never expires. */
  SOHOA_TOKEN_TTL_DAYS: int(90, 0, 3650),
  /**
   * Failed sign-ins (a token presented and refused) within the window: per IP address, after which
   * every request from it answers 429 until the window ends; and per user, counting the expired or
   * revoked tokens of one user, after which they answer 429 (the user's valid token still works).
   */
  SOHOA_AUTH_FAILURES_PER_IP: int(50, 1, 1_000_000),
  SOHOA_AUTH_FAILURES_PER_USER: int(10, 1, 1_000_000),
  SOHOA_AUTH_FAILURE_WINDOW_S: int(600, 1, 86_400),
  /** The audit logs (refusals of signed-in users; refusals before sign-in): size of one file, rotated files kept. */
  SOHOA_AUDIT_LOG_MB: int(16, 1, 10_000),
  SOHOA_AUDIT_LOG_FILES: int(4, 1, 100),
  /** Lines a minute the security log takes (refusals before sign-in); the rest are only counted. */
  SOHOA_SECURITY_LOG_PER_MINUTE: int(600, 1, 1_000_000),
  SOHOA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SOHOA_DEMO: bool(false),
  /** The Temporal Schedules: their time zone, the daily overdue digest's time and length, the weekly report's day and time. */
  SOHOA_SCHEDULE_TIME_ZONE: timeZone,
  SOHOA_DIGEST_TIME: timeOfDay('07:30'),
  /** Books a digest names one by one; the rest are counted ("và X sổ khác"). */
  SOHOA_DIGEST_LISTED: int(20, 1, 500),
  SOHOA_REPORT_DAY: z.enum(weekDays).default('MONDAY'),
  SOHOA_REPORT_TIME: timeOfDay('07:00'),
  /**
   * Page checks while packaging scans: off, or on with the province's minimum resolution, the skew
   * that counts as crooked, how little two pages' ink may differ to count as the same page (share of
   * their ink; the same image saved again differs by under 0.005, two filled copies of one printed
   * form by 0.02 and more, the same page scanned twice with a shift by 0.1: not caught), and which
   * findings send the delivery back to the contractor (the others only warn the reviewer). Off until
   * the province turns it on: it runs tesseract on every page (about 0.2 s of a core each).
   */
  SOHOA_PAGE_CHECKS: bool(false),
  SOHOA_MIN_DPI: int(200, 1, 10_000),
  SOHOA_MAX_SKEW_DEG: z.coerce.number().min(0.5).max(45).default(3),
  SOHOA_DUPLICATE_DIFFERENCE: z.coerce.number().min(0).max(0.5).default(0.008),
  SOHOA_PAGE_BLOCKING: findingList(['lowResolution', 'blank', 'duplicate']),
  /** OCR (tesseract) of every page, kept beside the package for the search inside a book; the language(s) tesseract reads. */
  SOHOA_OCR: bool(false),
  SOHOA_OCR_LANG: z.string().regex(/^[a-z_]+(\+[a-z_]+)*$/, 'mã ngôn ngữ tesseract, ví dụ vie hoặc vie+eng').default('vie'),
  /** Pages checked (and recognised) at once: each is one tesseract process on one core. */
  SOHOA_QUALITY_CONCURRENCY: int(2, 1, 64),
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

export const qualitySettingsOf = (c: Config) =>
  c.SOHOA_PAGE_CHECKS || c.SOHOA_OCR
    ? {
        checks: c.SOHOA_PAGE_CHECKS,
        minDpi: c.SOHOA_MIN_DPI,
        maxSkewDeg: c.SOHOA_MAX_SKEW_DEG,
        duplicateDifference: c.SOHOA_DUPLICATE_DIFFERENCE,
        blocking: c.SOHOA_PAGE_BLOCKING,
        ocr: c.SOHOA_OCR ? { lang: c.SOHOA_OCR_LANG } : undefined,
        concurrency: c.SOHOA_QUALITY_CONCURRENCY,
      }
    : undefined;
export type QualitySettings = NonNullable<ReturnType<typeof qualitySettingsOf>>;

export const planSettingsFromConfig = (c: Config) => ({
  deadline: c.SOHOA_PLAN_DEADLINE,
  reminderDays: c.SOHOA_REMINDER_DAYS,
  waitReminderDays: c.SOHOA_WAIT_REMINDER_DAYS,
});

/**
 * Node flags the worker process starts with (`make up`, the benchmarks; the cluster's workers take the
 * same from scripts/cluster/lib.sh). Node 24 gives each V8 heap a 64 MB young generation on a machine
 * of this size and a worker has three (main, workflows, tsx's loader): 16 MB each costs little CPU.
 * Each heap's old generation stops at 768 MB: books leaving the cache are garbage V8 would otherwise
 * let grow to gigabytes (a 2,000-book deadline storm: 1.5 GB → 0.8 GB peak, same speed); the
 * activities are held to 512 MB each by test/hostile. Caller's NODE_OPTIONS come first, so theirs are kept.
 */
export const WORKER_NODE_FLAGS = '--max-semi-space-size=8 --max-old-space-size=768';
export const workerNodeOptions = (env: Record<string, string | undefined> = process.env) => [env.NODE_OPTIONS, WORKER_NODE_FLAGS].filter(Boolean).join(' ');
