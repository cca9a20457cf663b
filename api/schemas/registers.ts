import { z } from 'zod';
import { registerItemSchema } from '../../domain/registerItem';

export { registerItemSchema, type RegisterItem } from '../../domain/registerItem';

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
