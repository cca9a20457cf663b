import { buildTemplate } from '../../activities/excel';
import { workflowIdFor, type Book } from '../../domain/book';
import type { Phase } from '../../domain/bookState';
import type { Step } from '../../domain/plan';
import { sampleCases, sampleRows, sampleExcel } from '../../clients/samples';
import { casePages, stem, zipOf } from '../scans/delivery';
import { book as makeBook } from '../support/fixtures';

/** What happens to a book: the actions its people take, and where that leaves it. */
export interface Story {
  says: string;
  end: { step: Step; phase: Phase };
  /** Accepted imports the national endpoint must hold for it in the end. */
  imports: 0 | 1;
}

const DONE = { step: 'done', phase: 'closed' } as const;
const WITHDRAWN = { step: 'withdrawn', phase: 'closed' } as const;

export const STORIES = {
  done: { says: 'every step approved, to done', end: DONE, imports: 1 },
  rejectScans: { says: 'scans rejected once at review, delivered again', end: DONE, imports: 1 },
  badExcel: { says: 'first Excel has a date that does not exist; sent back by validation, fixed', end: DONE, imports: 1 },
  rejectExcel: { says: 'Excel rejected once at review, uploaded again', end: DONE, imports: 1 },
  rejectAcceptance: { says: 'rejected at acceptance back to Excel; the same file again, not imported twice', end: DONE, imports: 1 },
  holdAtAcceptance: { says: 'imported, left waiting for the acceptance review', end: { step: 'acceptance', phase: 'review' }, imports: 1 },
  holdAtExcel: { says: 'scans approved, Excel never delivered', end: { step: 'excel', phase: 'work' }, imports: 0 },
  withdrawInPackaging: { says: 'withdrawn right after its scans went up (while packaging)', end: WITHDRAWN, imports: 0 },
  withdrawInImport: { says: 'the endpoint keeps refusing its package; withdrawn once the stuck list shows it failing', end: WITHDRAWN, imports: 0 },
} as const satisfies Record<string, Story>;
export type StoryName = keyof typeof STORIES;

/** The mix, repeated: a third of the books go straight to done, the rest take a detour. */
const CYCLE: StoryName[] = [
  'done', 'rejectScans', 'badExcel', 'done', 'rejectExcel', 'rejectAcceptance',
  'done', 'holdAtAcceptance', 'withdrawInPackaging', 'done', 'holdAtExcel', 'withdrawInImport',
];
const TYPES = ['birth', 'death', 'marriage'] as const;

/** Every book has this many cases of this many scanned pages (JPEG, ~60 kB each). */
export const CASES = 3;
export const PAGES = 2;
const PAGE_BYTES = 60_000;

export interface ChaosBook {
  id: string;
  book: Book;
  story: StoryName;
}

/** `n` books of Phòng Tư pháp Tam Kỳ (502, district level: the Excel path), each with its story. */
export function chaosBooks(n: number): ChaosBook[] {
  return Array.from({ length: n }, (_, i) => {
    const book = makeBook({ agencyCode: '502', type: TYPES[i % TYPES.length], bookNo: String(i + 1).padStart(2, '0'), yearFrom: 2016, yearTo: 2016 });
    return { id: workflowIdFor(book), book, story: CYCLE[i % CYCLE.length]! };
  });
}

/** The contractor's delivery: a zip of one folder of page images per case, named as the Excel rows are. */
export function scansZip(book: Book): Promise<Buffer> {
  const files = sampleCases(book, CASES).flatMap((c) =>
    casePages(c.caseNo, PAGES, PAGE_BYTES).map((p) => ({ name: `${stem(c.name)}/${p.name}`, body: p.data })),
  );
  return zipOf(files);
}

const excels = new Map<string, Promise<Buffer>>();

/**
 * The transcription, made once per book so that sending it again sends the same bytes (a workbook
 * made later differs: it carries its creation time). The bad one registers its second case on
 * 31.02, a day that does not exist.
 */
export function excelFile(book: Book, bad: boolean): Promise<Buffer> {
  const key = `${workflowIdFor(book)}:${bad}`;
  let file = excels.get(key);
  if (!file) {
    file = bad
      ? buildTemplate(book.type, sampleRows(book, CASES).map((r, i) => (i === 1 ? { ...r, ngayDangKy: `31.02.${book.yearFrom}` } : r)))
      : sampleExcel(book, CASES);
    excels.set(key, file);
  }
  return file;
}
