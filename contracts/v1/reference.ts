import { z } from 'zod';
import { actionNameSchema } from './commands';
import { actorSchema, agencyLevelSchema, agencySchema, periodSchema, registerTypeSchema, roleSchema, stepSchema } from './values';

/**
 * What `GET /api/reference` answers: the catalogue a client needs to show and decide what the rules
 * decide (labels, units, who may take which action), so that it never imports the rules themselves.
 */

const label = z.string().describe('nhãn tiếng Việt (NFC)');
const unitSchema = z.object({ code: z.string(), name: z.string() });

const referenceActionSchema = z.object({
  id: actionNameSchema,
  label,
  management: z.boolean().describe('thao tác lúc nào cũng được khi sổ còn mở (hạn, ưu tiên, rút sổ, ghi chú): không đưa sổ sang bước sau'),
  allowed: z
    .array(z.object({ role: roleSchema, steps: z.array(stepSchema) }))
    .describe('vai trò được thực hiện thao tác và ở những bước nào (ngoài ra sổ phải thuộc phạm vi người dùng)'),
});

export const referenceSchema = z
  .object({
    registerTypes: z.array(z.object({ id: registerTypeSchema, code: z.string(), label })),
    periods: z.array(z.object({ id: periodSchema, label, from: z.number().nullable(), to: z.number() })),
    lastPlanYear: z.number().int().describe('đề án gồm sổ đăng ký đến năm này'),
    timeZone: z.string().describe('múi giờ của ngày, hạn và giờ hiển thị'),
    steps: z.array(z.object({ id: stepSchema, label })),
    actions: z.array(referenceActionSchema),
    roles: z.array(z.object({ id: roleSchema, label })),
    levels: z.array(z.object({ id: agencyLevelSchema, label })),
    province: unitSchema.describe('tỉnh mà hệ thống phục vụ: mã thống kê và tên, ví dụ 49, Quảng Nam'),
    districts: z.array(unitSchema).describe('huyện trong phạm vi của người dùng'),
    agencies: z.array(agencySchema).describe('đơn vị (trước 1/7/2025) mà người dùng đăng ký sổ thay'),
    holders: z.array(unitSchema.extend({ key: z.string() })).describe('đơn vị giữ sổ mà người dùng được thao tác trên sổ của họ (khóa: mã, đơn vị sau 1/7/2025 có "n")'),
    units: z
      .object({ districts: z.array(unitSchema), agencies: z.array(unitSchema), holders: z.array(unitSchema.extend({ key: z.string() })) })
      .describe('mọi huyện, đơn vị của tỉnh và đơn vị giữ sổ sau 1/7/2025, để hiện tên'),
  })
  .meta({ id: 'Reference' });
export type Reference = z.infer<typeof referenceSchema>;

/** `GET /api/me`: the token's user with the label of its role. */
export const meSchema = actorSchema.extend({ roleLabel: label });
export type Me = z.infer<typeof meSchema>;
