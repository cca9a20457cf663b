import { z } from 'zod';
import { jurisdictionCovers, jurisdictionLevels, type Agency } from './agencies';

export const roles = ['admin', 'manager', 'clerk', 'contractor', 'c06', 'auditor'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

export const ROLE_LABELS_VI: Record<Role, string> = {
  admin: 'Quản trị',
  manager: 'Quản lý dự án',
  clerk: 'Công chức tư pháp',
  contractor: 'Nhà thầu số hóa',
  c06: 'Cán bộ C06',
  auditor: 'Kiểm toán',
};

/**
 * Who acts. `scope` and `agencyCode` give the jurisdiction: a province, a district or one agency,
 * by its statistics code. The API sets the actor from the bearer token; the workflow checks it again.
 */
export const actorSchema = z.object({
  userId: z.string().min(1).max(100),
  role: roleSchema,
  scope: z.enum(jurisdictionLevels),
  agencyCode: z.string().regex(/^\d{2,5}$/, 'agencyCode phải là mã thống kê 2–5 chữ số'),
  name: z.string().max(200).optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export function actorCovers(actor: Actor, agency: Agency): boolean {
  return jurisdictionCovers(actor.scope, actor.agencyCode, agency);
}
