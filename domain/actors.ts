import type { Actor, Role } from '../contracts/v1/values';
import type { Agency } from './agencies';
import { actorHolds } from './custody';
import { legacyCustodian } from './units';

export { actorSchema, roles, roleSchema, type Actor, type Role } from '../contracts/v1/values';

export const ROLE_LABELS_VI: Record<Role, string> = {
  admin: 'Quản trị',
  manager: 'Quản lý dự án',
  clerk: 'Công chức tư pháp',
  contractor: 'Nhà thầu số hóa',
  c06: 'Cán bộ C06',
  auditor: 'Kiểm toán',
};

/** Does the actor act for this agency (as the holder of its own books: registering them, for one)? */
export function actorCovers(actor: Actor, agency: Agency): boolean {
  return actorHolds(actor, legacyCustodian(agency));
}
