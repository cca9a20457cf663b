import type { BookMemo } from '../contracts/v1/status';
import { bookTitleVi } from './book';
import { pendingActions, type BookState } from './bookState';
import { typeCode } from './registerTypes';

/** The memo of a book (contract): what list results show without a query per book. */
export function memoOf(s: BookState): BookMemo {
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
    // Only books handed over carry it: older histories keep their exact memo.
    ...(s.custodian ? { custodian: { key: s.custodian.key, name: s.custodian.name } } : {}),
  };
}

/** Every key of the memo the book publishes (the compiler holds it to the contract): one left out of a change is removed. */
export const MEMO_KEYS = Object.keys({
  title: true,
  agencyName: true,
  typeCode: true,
  bookNo: true,
  yearTo: true,
  phase: true,
  phaseSince: true,
  pendingActions: true,
  counts: true,
  priority: true,
  updatedAt: true,
  openProblems: true,
  failing: true,
  custodian: true,
} satisfies Record<keyof BookMemo, true>);
