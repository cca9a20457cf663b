import { z } from 'zod';
import { agencyLevels, periodIds, registerTypes, steps } from './values';

/** A comma-separated list of allowed values (the regex is the whole defence against query injection). */
function list(pattern: string, describe: string) {
  return z
    .string()
    .regex(new RegExp(`^(${pattern})(,(${pattern}))*$`), `${describe}; nhiều giá trị cách nhau bằng dấu phẩy`)
    .transform((s) => [...new Set(s.split(','))])
    .describe(`${describe} (danh sách, cách nhau bằng dấu phẩy)`);
}
const oneOf = (values: readonly string[]) => values.join('|');

const boolParam = (describe: string) =>
  z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
    .transform((v) => v === true || v === 'true' || v === '1')
    .describe(describe);

/**
 * Filters on the books, as query string parameters of `GET /api/registers` and as the `filter`
 * object of bulk actions and reports: the same names and formats everywhere.
 */
export const bookFilterSchema = z.object({
  district: list('\\d{2,3}', 'mã huyện (3 chữ số) hoặc mã tỉnh cho sổ cấp tỉnh').optional(),
  agency: list('\\d{2,5}', 'mã đơn vị đã đăng ký sổ').optional(),
  custodian: list('n?\\d{2,5}', 'đơn vị đang giữ sổ (đơn vị sau 1/7/2025: n + mã, ví dụ n20194)').optional(),
  level: list(oneOf(agencyLevels), `cấp đơn vị: ${agencyLevels.join(', ')}`).optional(),
  type: list(oneOf(registerTypes), `loại sổ: ${registerTypes.join(', ')}`).optional(),
  period: list(oneOf(periodIds), `nhóm sổ: ${periodIds.join(', ')}`).optional(),
  step: list(oneOf(steps), `bước: ${steps.join(', ')}`).optional(),
  overdue: boolParam('chỉ sổ quá hạn (true) hoặc chưa quá hạn (false)').optional(),
  awaitingHuman: boolParam('chỉ sổ đang chờ người thực hiện hoặc duyệt').optional(),
  failing: boolParam('chỉ sổ có bước tự động đang lỗi lặp lại (SohoaFailing)').optional(),
  status: z.enum(['running', 'closed', 'all']).default('all').describe('running: đang thực hiện; closed: đã hoàn thành hoặc đã rút'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('tìm theo số quyển (ví dụ 01, 12A) hoặc chữ trong tên sổ/đơn vị; hoặc mã sổ đầy đủ'),
});
export type BookFilter = z.output<typeof bookFilterSchema>;
export type BookFilterInput = z.input<typeof bookFilterSchema>;

export const sortKeys = ['started', 'deadline', 'priority', 'yearFrom', 'updated'] as const;
export const listQuerySchema = bookFilterSchema.extend({
  sort: z.enum(sortKeys).default('started').describe('started (mới nhất trước, phân trang phía Temporal), deadline, priority, yearFrom, updated'),
  order: z.enum(['asc', 'desc']).optional().describe('mặc định: asc, trừ started (desc)'),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
  pageToken: z.string().max(4000).optional().describe('nextPageToken của trang trước (sort=started, không có q)'),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional().describe('vị trí bắt đầu (các cách sắp xếp khác, hoặc khi có q)'),
});
export type ListQuery = z.output<typeof listQuerySchema>;
