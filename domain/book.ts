import { z } from 'zod';
import { bookIdSchema, bookSchema as contractBook, type Book } from '../contracts/v1/values';
import { periodOfBook, FIRST_PLAN_YEAR, LAST_PLAN_YEAR } from './periods';
import { REGISTER_TYPES, typeCode } from './registerTypes';

/** Book numbers as written on the cover: digits, optionally one letter for a split book; padded to 2 digits. */
export const bookNoSchema = z
  .string()
  .trim()
  .regex(/^\d{1,4}[A-Z]?$/, 'số quyển phải là 1–4 chữ số, có thể thêm một chữ cái (ví dụ 01, 12A)')
  .transform((s) => s.replace(/^\d+/, (d) => d.padStart(2, '0')));

const yearSchema = z
  .number()
  .int('năm phải là số nguyên')
  .min(FIRST_PLAN_YEAR, `năm không được trước ${FIRST_PLAN_YEAR}`)
  .max(LAST_PLAN_YEAR, `đề án chỉ gồm sổ đến năm ${LAST_PLAN_YEAR}`);

/** A book as a person registers it: the contract's shape, with its number normalised and its years checked. */
export const bookSchema = contractBook
  .extend({ bookNo: bookNoSchema, yearFrom: yearSchema, yearTo: yearSchema })
  .refine((b) => b.yearTo >= b.yearFrom, { message: 'yearTo phải không nhỏ hơn yearFrom', path: ['yearTo'] });
export type { Book };
export type BookInput = z.input<typeof bookSchema>;

/** Workflow id (contract): `reg-{agencyCode}-{typeCode}-{bookNo}-{yearFrom}`; a second start is a no-op. */
export function workflowIdFor(book: Pick<Book, 'agency' | 'type' | 'bookNo' | 'yearFrom'>): string {
  return `reg-${book.agency.code}-${typeCode(book.type)}-${book.bookNo}-${book.yearFrom}`;
}

export function parseWorkflowId(id: string): z.output<typeof bookIdSchema> | undefined {
  const r = bookIdSchema.safeParse(id);
  return r.success ? r.data : undefined;
}

export function bookPeriod(book: Pick<Book, 'yearFrom' | 'yearTo'>) {
  return periodOfBook(book.yearFrom, book.yearTo);
}

export function bookTitleVi(book: Book): string {
  const years = book.yearFrom === book.yearTo ? `${book.yearFrom}` : `${book.yearFrom}–${book.yearTo}`;
  return `${REGISTER_TYPES[book.type].nameVi} quyển ${book.bookNo} (${years}) – ${book.agency.name}`;
}
