import { z } from 'zod';
import type { Book } from '../book';
import type { Period } from '../periods';
import type { RegisterType, TypeCode } from '../registerTypes';
import { codeListText, isCodeIn } from './codes';
import { templateFor, type ColumnSpec, DATE_FORMAT_VI } from './columns';
import type { ProblemCode } from './problems';
import { normalizeBookNo, parseDateVi, parseQuyenSo, parseSo, PARTIAL_DATE_PERIODS } from './values';

/** One data row as read: field key → cleaned text ('' when blank). */
export type RowValues = Record<string, string>;

/** What an issue of a row schema carries besides its Vietnamese message. */
export interface RowIssueParams {
  code: ProblemCode;
  en: string;
}

export type BookContext = Pick<Book, 'bookNo' | 'yearFrom' | 'yearTo'>;

/** The one issue of a cell, if any: code, Vietnamese and English messages. */
type CellIssue = readonly [ProblemCode, string, string];

const INT = /^\d+$/;
const issue = (code: ProblemCode, vi: string, en: string): CellIssue => [code, vi, en];

function cellCheck(col: ColumnSpec, period: Period, book?: BookContext) {
  const partialOk = col.partial === 'always' || PARTIAL_DATE_PERIODS.has(period);
  return (v: string): CellIssue | undefined => {
    if (v === '') {
      if (col.required) return issue('required', `Thiếu ${col.labelVi} (${col.key}).`, `${col.key} is required.`);
      return;
    }
    switch (col.kind) {
      case 'date': {
        const d = parseDateVi(v);
        if (!d.ok) {
          if (d.reason === 'shape')
            return issue('badDate', `"${v}" không đúng dạng ngày ${DATE_FORMAT_VI}${partialOk ? ', mm.yyyy hoặc yyyy' : ''}.`, `"${v}" is not a date ${DATE_FORMAT_VI}.`);
          return issue('badDate', `Ngày "${v}" không có thật.`, `"${v}" is not a real date.`);
        }
        if (d.precision !== 'day' && !partialOk) {
          return issue('partialDate', `"${v}" thiếu ngày hoặc tháng; sổ thuộc giai đoạn này phải ghi đủ ${DATE_FORMAT_VI}.`, `"${v}" is a partial date, allowed only in books before 1999.`);
        }
        if (col.key === 'ngayDangKy' && book && (d.year < book.yearFrom || d.year > book.yearTo)) {
          const years = book.yearFrom === book.yearTo ? `${book.yearFrom}` : `${book.yearFrom}–${book.yearTo}`;
          return issue('yearOutsideBook', `Năm đăng ký ${d.year} nằm ngoài năm của sổ (${years}).`, `Registration year ${d.year} is outside the book's years (${years}).`);
        }
        return;
      }
      case 'code':
        if (!isCodeIn(col.codeList!, v))
          return issue('badCode', `"${v}" không có trong danh mục ${col.key}: ${codeListText(col.codeList!)}.`, `"${v}" is not in the code list of ${col.key}.`);
        return;
      case 'int':
        if (!INT.test(v)) return issue('badInt', `"${v}" phải là số nguyên (${col.key}).`, `"${v}" must be a whole number.`);
        return;
      case 'text':
        if (col.key === 'so') {
          const so = parseSo(v);
          if (!so) return issue('badSo', `Số "${v}" không đúng dạng (ví dụ 05 hoặc 05/2017).`, `Case number "${v}" must look like 05 or 05/2017.`);
          if (book && so.year !== undefined && (so.year < book.yearFrom || so.year > book.yearTo))
            return issue('yearOutsideBook', `Năm trong số "${v}" nằm ngoài năm của sổ.`, `The year in case number "${v}" is outside the book's years.`);
        } else if (col.key === 'quyenSo') {
          const q = parseQuyenSo(v);
          if (!q) return issue('badQuyenSo', `Quyển số "${v}" không đúng dạng (ví dụ 01/2017).`, `Book number "${v}" must look like 01/2017.`);
          if (book && (q.bookNo !== normalizeBookNo(book.bookNo) || q.yearFrom !== book.yearFrom))
            return issue('otherBook', `Quyển số "${v}" không phải sổ này (quyển ${book.bookNo}, năm ${book.yearFrom}).`, `"${v}" is not this book (${book.bookNo}/${book.yearFrom}).`);
        }
        return;
    }
  };
}

const cache = new Map<string, z.ZodType<RowValues>>();

/**
 * The zod schema of one data row of a template, for a legal period (which decides whether partial
 * dates are allowed) and optionally a book (year and book-number checks). Input: field key → cell
 * text ('' or absent when blank). Issues carry `params: RowIssueParams` and the Vietnamese message;
 * the issue path is the column key. One refinement walks the columns, so a 50,000-row file does
 * not allocate a parse tree per cell.
 */
export function rowSchemaFor(type: RegisterType | TypeCode, period: Period, book?: BookContext): z.ZodType<RowValues> {
  const t = templateFor(type);
  const id = `${t.typeCode}|${period}|${book ? `${book.bookNo}|${book.yearFrom}|${book.yearTo}` : ''}`;
  let s = cache.get(id);
  if (!s) {
    const checks = [...t.columns, ...t.optionalColumns].map((col) => ({ key: col.key, check: cellCheck(col, period, book) }));
    s = z
      .custom<RowValues>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'dòng phải là một đối tượng' })
      .superRefine((row, ctx) => {
        for (const { key, check } of checks) {
          const v = row[key];
          const found = check(typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
          if (found) ctx.addIssue({ code: 'custom', message: found[1], path: [key], params: { code: found[0], en: found[2] } satisfies RowIssueParams, input: v });
        }
      });
    if (cache.size > 200) cache.clear();
    cache.set(id, s);
  }
  return s;
}
