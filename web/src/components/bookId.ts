import { parseWorkflowId } from '../../../domain/book';
import { findAgency } from '../../../domain/data/quangNam';

/** "KS quyển 01 (2017) – UBND phường Tân Thạnh" from a book id alone (ids carry the book's identity). */
export function shortTitleOfId(id: string): string {
  const p = parseWorkflowId(id);
  if (!p) return id;
  const agency = findAgency(p.agencyCode)?.name ?? p.agencyCode;
  return `${p.typeCode} quyển ${p.bookNo} (${p.yearFrom}) – ${agency}`;
}
