import type { Actor, Role } from '../contracts/v1/values';
import { jurisdictionCovers, type Agency } from './agencies';

export { actorSchema, roles, roleSchema, type Actor, type Role } from '../contracts/v1/values';

export const ROLE_LABELS_VI: Record<Role, string> = {
  admin: 'Quản trị',
  manager: 'Quản lý dự án',
  clerk: 'Công chức tư pháp',
  contractor: 'Nhà thầu số hóa',
  c06: 'Cán bộ C06',
  auditor: 'Kiểm toán',
};

export function actorCovers(actor: Actor, agency: Agency): boolean {
  return jurisdictionCovers(actor.scope, actor.agencyCode, agency);
}
