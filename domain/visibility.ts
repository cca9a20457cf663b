import type { SearchAttributePair } from '@temporalio/common';
import { bookPeriod, bookTitleVi } from './book';
import { awaitingHuman, pendingActions, type BookState } from './bookState';
import { typeCode } from './registerTypes';
import { SA } from './searchAttributes';

/** Search attribute values of a book: what lists and counts filter on. */
export function searchAttributesOf(s: BookState): SearchAttributePair[] {
  return [
    { key: SA.agency, value: s.book.agency.code },
    { key: SA.district, value: s.book.agency.districtCode },
    { key: SA.level, value: s.book.agency.level },
    { key: SA.registerType, value: s.book.type },
    { key: SA.period, value: bookPeriod(s.book).period },
    { key: SA.step, value: s.step },
    { key: SA.overdue, value: s.overdue },
    { key: SA.awaitingHuman, value: awaitingHuman(s) },
    { key: SA.deadline, value: new Date(s.deadline) },
    { key: SA.yearFrom, value: s.book.yearFrom },
    { key: SA.recordCount, value: s.counts.inventoryCases ?? 0 },
    { key: SA.priority, value: s.priority },
    // Only books that ever failed carry it: older histories keep their exact upserts.
    ...(s.failing === undefined ? [] : [{ key: SA.failing, value: s.failing !== null }]),
  ] as SearchAttributePair[];
}

/** The memo: what list results show without a query per book (counts that do not fit in search attributes). */
export function memoOf(s: BookState) {
  return {
    title: bookTitleVi(s.book),
    agencyName: s.book.agency.name,
    typeCode: typeCode(s.book.type),
    bookNo: s.book.bookNo,
    yearTo: s.book.yearTo,
    phase: s.phase,
    phaseSince: s.phaseSince,
    pendingActions: pendingActions(s),
    counts: s.counts,
    priority: s.priority,
    updatedAt: s.updatedAt,
    openProblems: s.problems.length,
    ...(s.failing ? { failing: s.failing } : {}),
  };
}
export type BookMemo = ReturnType<typeof memoOf>;
