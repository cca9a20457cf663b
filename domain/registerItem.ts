import { z } from 'zod';
import { REGISTER_TYPES, registerTypeOf, registerTypes, type RegisterType } from './registerTypes';

/** A register type by its name (`birth`) or its code (`KS`). */
export const typeInputSchema = z
  .string({ error: 'thiếu loại sổ' })
  .trim()
  .transform((s, ctx): RegisterType => {
    const t = registerTypeOf(s);
    if (!t) {
      ctx.addIssue({ code: 'custom', message: `loại sổ "${s.slice(0, 40)}" không có; dùng ${registerTypes.join(', ')} hoặc mã ${Object.values(REGISTER_TYPES).map((t) => t.code).join(', ')}` });
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
    bookNo: cellText('thiếu số quyển').pipe(z.string().max(20, 'số quyển dài quá 20 ký tự')).describe('số quyển, ví dụ 01 hoặc 12A'),
    yearFrom: cellInt('thiếu năm đầu').describe('năm đầu của sổ'),
    yearTo: cellInt('năm cuối phải là số').optional().describe('năm cuối (mặc định bằng năm đầu)'),
    expectedCases: cellInt('số trường hợp phải là số').pipe(z.number().min(0, 'không được âm').max(100_000)).optional().describe('số trường hợp dự kiến'),
    priority: cellInt('ưu tiên phải là số').pipe(z.number().min(1, 'ưu tiên từ 1 đến 5').max(5, 'ưu tiên từ 1 đến 5')).optional().describe('mức ưu tiên 1–5 (mặc định 3)'),
    note: z.string().max(500).optional(),
  })
  .meta({ id: 'RegisterItem' });
export type RegisterItem = z.output<typeof registerItemSchema>;

/** Columns of the inventory file: the header row holds these keys (or one of their aliases). */
export const INVENTORY_COLUMNS = [
  { key: 'agencyCode', labelVi: 'Mã đơn vị', aliases: ['madonvi', 'madv', 'donvi', 'agency'], required: true, hint: 'mã thống kê của đơn vị lưu giữ sổ, ví dụ 20335' },
  { key: 'type', labelVi: 'Loại sổ', aliases: ['loaiso', 'maloaiso', 'loai'], required: true, hint: 'mã loại sổ: KS, KH, KT, NCN, CMC, HN, GH, CDGH, LH, TD' },
  { key: 'bookNo', labelVi: 'Số quyển', aliases: ['soquyen', 'quyenso', 'quyen'], required: true, hint: 'ví dụ 01 hoặc 12A' },
  { key: 'yearFrom', labelVi: 'Từ năm', aliases: ['tunam', 'namdau', 'nam'], required: true, hint: 'năm đầu của sổ' },
  { key: 'yearTo', labelVi: 'Đến năm', aliases: ['dennam', 'namcuoi'], required: false, hint: 'năm cuối, để trống nếu sổ chỉ một năm' },
  { key: 'expectedCases', labelVi: 'Số trường hợp', aliases: ['sotruonghop', 'sotruonghopdukien'], required: false, hint: 'số trường hợp dự kiến, nếu biết' },
  { key: 'priority', labelVi: 'Ưu tiên', aliases: ['uutien', 'mucuutien'], required: false, hint: '1–5, mặc định 3' },
  { key: 'note', labelVi: 'Ghi chú', aliases: ['ghichu'], required: false, hint: 'tình trạng sổ, ghi chú khác' },
] as const satisfies ReadonlyArray<{ key: keyof RegisterItem; labelVi: string; aliases: readonly string[]; required: boolean; hint: string }>;
export type InventoryColumnKey = (typeof INVENTORY_COLUMNS)[number]['key'];
