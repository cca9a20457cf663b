import { bookIdSchema } from '../../../contracts/v1';
import { agencyLabel } from '../labels';

/** "KS quyển 01 (2017) – UBND phường Tân Thạnh" from a book id alone (ids carry the book's identity). */
export function shortTitleOfId(id: string): string {
  const p = bookIdSchema.safeParse(id);
  if (!p.success) return id;
  const { agencyCode, typeCode, bookNo, yearFrom } = p.data;
  return `${typeCode} quyển ${bookNo} (${yearFrom}) – ${agencyLabel(agencyCode)}`;
}
