import { z } from 'zod';
import { REGISTER_TYPES, registerTypeOf, registerTypes, type RegisterType } from '../../domain/registerTypes';

/** A register type by its name (`birth`) or its code (`KS`). */
export const typeInputSchema = z
  .string({ error: 'thiếu loại sổ' })
  .trim()
  .transform((s, ctx): RegisterType => {
    const t = registerTypeOf(s);
    if (!t) {
      ctx.addIssue({ code: 'custom', message: `loại sổ "${s}" không có; dùng ${registerTypes.join(', ')} hoặc mã ${Object.values(REGISTER_TYPES).map((t) => t.code).join(', ')}` });
      return z.NEVER;
    }
    return t;
  })
  .describe(`loại sổ: ${registerTypes.join(', ')} hoặc mã (KS, KH, KT, …)`);

/** A text cell: a string or a number (spreadsheets turn 01 into 1), never empty. */
const cellText = (missing: string) =>
  z
    .union([z.string(), z.number()], { error: missing })
    .transform((v) => String(v).trim())
    .pipe(z.string().min(1, missing));
/** An integer cell: a number or digits. */
const cellInt = (missing: string) =>
  z
    .union([z.number(), z.string().trim().regex(/^-?\d+$/, 'phải là số nguyên').transform(Number)], { error: missing })
    .pipe(z.number().int('phải là số nguyên'));

/** One book to register, as sent in JSON or as a row of the inventory file. */
export const registerItemSchema = z
  .object({
    agencyCode: cellText('thiếu mã đơn vị').pipe(z.string().regex(/^\d{2,5}$/, 'mã đơn vị phải là mã thống kê 2–5 chữ số')).describe('mã đơn vị lưu giữ sổ (mã thống kê)'),
    type: typeInputSchema,
    bookNo: cellText('thiếu số quyển').describe('số quyển, ví dụ 01 hoặc 12A'),
    yearFrom: cellInt('thiếu năm đầu').describe('năm đầu của sổ'),
    yearTo: cellInt('năm cuối phải là số').optional().describe('năm cuối (mặc định bằng năm đầu)'),
    expectedCases: cellInt('số trường hợp phải là số').pipe(z.number().min(0, 'không được âm').max(100_000)).optional().describe('số trường hợp dự kiến'),
    priority: cellInt('ưu tiên phải là số').pipe(z.number().min(1, 'ưu tiên từ 1 đến 5').max(5, 'ưu tiên từ 1 đến 5')).optional().describe('mức ưu tiên 1–5 (mặc định 3)'),
    note: z.string().max(500).optional(),
  })
  .meta({ id: 'RegisterItem' });
export type RegisterItem = z.output<typeof registerItemSchema>;

export const MAX_ITEMS_PER_REQUEST = 5000;

/** Documented body of POST /api/registers; items are checked one by one (a bad item does not stop the others). */
export const createBodySchema = z.object({
  items: z.array(registerItemSchema).min(1).max(MAX_ITEMS_PER_REQUEST),
});
/** What the route validates up front: the item list's shape only. */
export const createBodyLooseSchema = z.object({
  items: z.array(z.unknown()).min(1, 'items: cần ít nhất một sổ').max(MAX_ITEMS_PER_REQUEST, `items: tối đa ${MAX_ITEMS_PER_REQUEST} sổ mỗi lần; dùng /api/registers/import cho danh mục lớn`),
});

export const idParamsSchema = z.object({ id: z.string().min(1).max(200).describe('mã sổ, ví dụ reg-20335-KS-01-2017') });
