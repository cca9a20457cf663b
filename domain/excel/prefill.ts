import type { Book } from '../book';
import { parsePdfName } from '../naming';
import { formatCaseNo } from '../naming';
import { isoToVi, quyenSoOf } from './values';

/** A row of a pre-filled template: what the PDF names already tell. */
export type PrefillRow = {
  so: string;
  quyenSo: string;
  ngayDangKy: string;
};

/**
 * Rows for a template from the book's PDF names (`KS.2017.01.2017-02-03.05.pdf` → so `05`,
 * quyenSo `01/2017`, ngayDangKy `03.02.2017`), sorted by date then case number. Names that do not
 * parse are returned apart so the caller can report them.
 */
export function prefillFromPdfNames(
  book: Pick<Book, 'bookNo' | 'yearFrom' | 'yearTo'>,
  names: readonly string[],
): { rows: PrefillRow[]; rejected: string[] } {
  const parsed: { caseNo: number; date: string }[] = [];
  const rejected: string[] = [];
  for (const n of names) {
    const p = parsePdfName(n);
    if (p.ok) parsed.push({ caseNo: p.value.caseNo, date: p.value.registrationDate });
    else rejected.push(n);
  }
  parsed.sort((a, b) => a.date.slice(0, 4).localeCompare(b.date.slice(0, 4)) || a.caseNo - b.caseNo);
  const quyenSo = quyenSoOf(book);
  return { rows: parsed.map((p) => ({ so: formatCaseNo(p.caseNo), quyenSo, ngayDangKy: isoToVi(p.date) })), rejected };
}
