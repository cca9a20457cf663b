import type { Book } from './book';
import { typeCode, typeFromCode, type RegisterType } from './registerTypes';

/**
 * File naming, in one place. PDF names follow the convention seen in several tools
 * (Công văn 1437/BTP-CNTT as reported): `{CODE}.{year}.{bookNo}.{registrationDate}.{caseNo}.pdf`,
 * e.g. `KS.2017.01.2017-02-03.05.pdf`. A book spanning years writes `{yearFrom}-{yearTo}` as its year.
 * Zip and Excel names were not public; ours: `{CODE}.{years}.{bookNo}.zip` / `.xlsx`.
 */
type BookKey = Pick<Book, 'type' | 'bookNo' | 'yearFrom' | 'yearTo'>;

export function bookYears(b: Pick<Book, 'yearFrom' | 'yearTo'>): string {
  return b.yearFrom === b.yearTo ? `${b.yearFrom}` : `${b.yearFrom}-${b.yearTo}`;
}

export function bookStem(b: BookKey): string {
  return `${typeCode(b.type)}.${bookYears(b)}.${b.bookNo}`;
}

export const zipName = (b: BookKey) => `${bookStem(b)}.zip`;
export const excelName = (b: BookKey) => `${bookStem(b)}.xlsx`;
export const manifestName = (b: BookKey) => `${bookStem(b)}.manifest.json`;
export const checksumName = (b: BookKey) => `${bookStem(b)}.sha256`;

/** Registration dates in old books may be partial: `yyyy-mm-dd`, `yyyy-mm` or `yyyy`. */
export const REGISTRATION_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export interface PdfNameParts {
  type: RegisterType;
  yearFrom: number;
  yearTo: number;
  bookNo: string;
  registrationDate: string;
  caseNo: number;
}

export function formatCaseNo(n: number): string {
  return String(n).padStart(2, '0');
}

export function pdfName(p: PdfNameParts): string {
  return `${typeCode(p.type)}.${bookYears(p)}.${p.bookNo}.${p.registrationDate}.${formatCaseNo(p.caseNo)}.pdf`;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function isRealDate(s: string): boolean {
  const m = REGISTRATION_DATE.exec(s);
  if (!m) return false;
  const [, y, mo, d] = m;
  if (mo === undefined) return true;
  const month = Number(mo);
  if (month < 1 || month > 12) return false;
  if (d === undefined) return true;
  const day = Number(d);
  const last = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  return day >= 1 && day <= last;
}

export function parsePdfName(name: string): ParseResult<PdfNameParts> {
  const base = name.split('/').pop() ?? name;
  const m = /^([A-Z]{2,4})\.(\d{4})(?:-(\d{4}))?\.(\d{2,4}[A-Z]?)\.([\d-]{4,10})\.(\d{1,5})\.pdf$/i.exec(base);
  if (!m) return { ok: false, error: `${base}: tên không đúng mẫu {MÃ}.{năm}.{quyển}.{ngày đăng ký}.{số}.pdf` };
  const [, code, from, to, bookNo, date, caseNo] = m as unknown as string[];
  const type = typeFromCode(code!.toUpperCase());
  if (!type) return { ok: false, error: `${base}: mã loại sổ "${code}" không tồn tại` };
  if (!isRealDate(date!)) return { ok: false, error: `${base}: ngày đăng ký "${date}" không có thật` };
  const yearFrom = Number(from);
  const yearTo = to ? Number(to) : yearFrom;
  if (yearTo < yearFrom) return { ok: false, error: `${base}: năm cuối nhỏ hơn năm đầu` };
  return { ok: true, value: { type, yearFrom, yearTo, bookNo: bookNo!, registrationDate: date!, caseNo: Number(caseNo) } };
}

/** Storage keys of a book's artifacts: `books/{agencyCode}/{stem}/...`. */
export function bookPrefix(b: BookKey & { agency: { code: string } }): string {
  return `books/${b.agency.code}/${bookStem(b)}`;
}

export const artifactKeys = (b: BookKey & { agency: { code: string } }) => {
  const prefix = bookPrefix(b);
  return {
    prefix,
    uploads: `${prefix}/uploads`,
    pdfs: `${prefix}/pdf`,
    zip: `${prefix}/${zipName(b)}`,
    manifest: `${prefix}/${manifestName(b)}`,
    checksums: `${prefix}/${checksumName(b)}`,
    excel: `${prefix}/${excelName(b)}`,
  };
};
