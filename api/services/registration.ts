import type { Actor } from '../../domain/actors';
import { actorCovers } from '../../domain/actors';
import { bookSchema, workflowIdFor } from '../../domain/book';
import { describeIssues } from '../../domain/bookState';
import type { Units } from '../../domain/units';
import { issuesToDetails } from '../errors';
import type { CreateResponse, ItemResult, ProblemDetail } from '../../contracts/v1';
import { registerItemSchema } from '../schemas/registers';
import type { BookService } from './books';
import { mapLimit } from './pool';

export interface RegisterOptions {
  /** Workflow starts in flight at once (the dev server's SQLite is the bottleneck). */
  concurrency?: number;
  /** File rows of the items, for answers that name the row. */
  rows?: number[];
  /** Items already refused where the file was read (the worker), with why: answered rejected as they are. */
  refused?: ReadonlyArray<{ reason: string; details: ProblemDetail[] } | undefined>;
  onProgress?: (done: number, total: number) => void;
}

type Checked = { ok: true; book: ReturnType<typeof bookSchema.parse>; priority: number } | { ok: false; result: Omit<ItemResult, 'index'> };

/** Checks one item: its shape, its agency, the caller's jurisdiction, the book's own rules. */
export function checkItem(units: Units, raw: unknown, actor: Actor): Checked {
  const item = registerItemSchema.safeParse(raw);
  if (!item.success) {
    return { ok: false, result: { result: 'rejected', reason: describeIssues(item.error), details: issuesToDetails(item.error.issues) } };
  }
  const { agencyCode, yearTo, priority, ...rest } = item.data;
  const agency = units.findAgency(agencyCode);
  if (!agency) {
    const other = units.elsewhere(agencyCode);
    const reason = other
      ? `mã ${agencyCode} là ${other}, không thuộc tỉnh ${units.provinceName} mà hệ thống phục vụ (SOHOA_PROVINCE=${units.provinceCode})`
      : `không có đơn vị mã ${agencyCode} trong danh mục`;
    return { ok: false, result: { result: 'rejected', reason, details: [{ path: 'agencyCode', message: other ? 'đơn vị của tỉnh khác' : 'không có trong danh mục' }] } };
  }
  if (!actorCovers(actor, agency)) {
    return { ok: false, result: { result: 'rejected', reason: `${agency.name} (${agency.code}) ngoài phạm vi của người dùng ${actor.userId}`, details: [{ path: 'agencyCode', message: 'ngoài phạm vi' }] } };
  }
  const book = bookSchema.safeParse({ ...rest, agency, yearTo: yearTo ?? rest.yearFrom });
  if (!book.success) return { ok: false, result: { result: 'rejected', reason: describeIssues(book.error), details: issuesToDetails(book.error.issues) } };
  return { ok: true, book: book.data, priority: priority ?? 3 };
}

/** Registers books one by one: created, existing (already started, even by this same request) or rejected. */
export async function registerItems(books: BookService, units: Units, actor: Actor, items: readonly unknown[], opts: RegisterOptions = {}): Promise<CreateResponse> {
  const seen = new Set<string>();
  const checked = items.map((raw, i) => {
    const refused = opts.refused?.[i];
    if (refused) return { ok: false as const, result: { result: 'rejected' as const, ...refused } };
    const c = checkItem(units, raw, actor);
    if (!c.ok) return c;
    const id = workflowIdFor(c.book);
    const dup = seen.has(id);
    seen.add(id);
    return { ...c, id, dup };
  });
  const results = await mapLimit(
    checked,
    opts.concurrency ?? 8,
    async (c, index): Promise<ItemResult> => {
      const where = { index, ...(opts.rows ? { row: opts.rows[index] } : {}) };
      if (!c.ok) return { ...where, ...c.result };
      if (c.dup) return { ...where, id: c.id, result: 'existing', reason: 'trùng với một dòng trước trong cùng danh sách' };
      try {
        const r = await books.start(c.book, c.priority, actor);
        return { ...where, id: r.id, result: r.result };
      } catch (e) {
        return { ...where, id: c.id, result: 'rejected', reason: `không khởi tạo được: ${(e as Error).message}` };
      }
    },
    (done) => opts.onProgress?.(done, items.length),
  );
  const count = (r: ItemResult['result']) => results.filter((x) => x.result === r).length;
  return { summary: { total: results.length, created: count('created'), existing: count('existing'), rejected: count('rejected') }, items: results };
}
