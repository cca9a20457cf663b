import type { BookMemo, BookStatusV1 } from '../contracts/v1/status';
import { bookTitleVi } from './book';
import { daysLeft, pendingActions, type BookState } from './bookState';
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

/**
 * The book's status in the memo (books of code version 2 on), every field but `daysLeft` (the reader's
 * to count) in one of three keys: `status`, and its lists that grow (`status.history`: actions, reviews,
 * notes, handovers; `status.files`: artifacts, problems, step times), so a change re-sends only the keys
 * it touched. Describe returns the memo, so the API answers a book's status without a worker round trip,
 * as of the book's last completed workflow task.
 */
const STATUS_KEY_OF = {
  workflowId: 'status',
  book: 'status',
  plan: 'status',
  step: 'status',
  phase: 'status',
  phaseSince: 'status',
  startedAt: 'status',
  updatedAt: 'status',
  stepTimes: 'status.files',
  actions: 'status.history',
  reviews: 'status.history',
  counts: 'status',
  artifacts: 'status.files',
  problems: 'status.files',
  planDeadline: 'status',
  followsPlan: 'status',
  extendedDeadline: 'status',
  deadline: 'status',
  overdue: 'status',
  overdueSince: 'status',
  priority: 'status',
  withdrawn: 'status',
  failing: 'status',
  notes: 'status.history',
  custodian: 'status',
  handovers: 'status.history',
  period: 'status',
  periodWarning: 'status',
  awaitingHuman: 'status',
  pendingActions: 'status',
} as const satisfies Record<Exclude<keyof BookStatusV1, 'daysLeft'>, 'status' | 'status.history' | 'status.files'>;
type StatusField = keyof typeof STATUS_KEY_OF;
const STATUS_FIELDS = Object.keys(STATUS_KEY_OF) as StatusField[];
const STATUS_KEYS = ['status', 'status.history', 'status.files'] as const;

/** Every memo key a book of code version 2 publishes: the list line's and the status's. */
export const PUBLISHED_MEMO_KEYS = [...MEMO_KEYS, ...STATUS_KEYS];

export function statusMemoOf(status: BookStatusV1): Record<(typeof STATUS_KEYS)[number], Record<string, unknown>> {
  const out = { status: {}, 'status.history': {}, 'status.files': {} } as Record<(typeof STATUS_KEYS)[number], Record<string, unknown>>;
  for (const f of STATUS_FIELDS) if (status[f] !== undefined) out[STATUS_KEY_OF[f]][f] = status[f];
  return out;
}

/** The status a memo holds (undefined for a book that publishes none: started before code version 2). */
export function statusFromMemo(memo: Record<string, unknown> | undefined, nowMs: number): BookStatusV1 | undefined {
  const parts = STATUS_KEYS.map((k) => memo?.[k] as Record<string, unknown> | undefined);
  if (parts.some((p) => p === undefined)) return undefined;
  const merged = Object.assign({}, ...parts) as Record<string, unknown>;
  // The contract's field order, as the workflow's query answers it.
  const status = Object.fromEntries(STATUS_FIELDS.filter((f) => merged[f] !== undefined).map((f) => [f, merged[f]])) as Omit<BookStatusV1, 'daysLeft'>;
  return { ...status, daysLeft: daysLeft(status.deadline, nowMs) };
}
