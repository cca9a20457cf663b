import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { RegisterSummary } from '../../contracts/v1';
import { bookFilterSchema, type BookFilter } from '../../contracts/v1/filters';
import type { Actor } from '../../domain/actors';
import type { Units } from '../../domain/units';
import { listAll, summaryOf } from '../../clients/temporal/visibility';
import { BASE_CLAUSES, bookMatcher, buildQuery, quote, type BookAttributes } from '../../clients/temporal/visibilityQuery';
import type { BookService } from './books';
import { stateVersion } from './statusCache';
import { searchesAs, searchText } from './textSearch';
import { SA } from '../../workflows/definitions';
import { summaryUnderPlan, type PlanNow } from '../../domain/planDeadline';
import type { PlanService } from './plan';

/** A book as the read model keeps it: its list line, the attributes the filters read, the version of its state. */
export interface IndexedBook {
  summary: RegisterSummary;
  attributes: BookAttributes;
  /** `stateVersion` as of the last look (absent on books started before SohoaUpdatedAt). */
  version?: string;
  /** Its last published change (SohoaUpdatedAt), in ms. */
  changedAt?: number;
  /**
   * Its list line with the plan's deadline in place (a book that follows the plan), kept under its
   * `planKey`: the same object for every question until the key changes, so its folded search text
   * (textSearch.ts) is folded once, not at each result computed.
   */
  underPlan?: { key: string; summary: RegisterSummary };
}

export interface BookIndexOptions {
  /** Between two looks for changed books (a write through this API wakes one sooner). */
  pollMs: number;
  /**
   * A full reload now and then drops books visibility no longer holds (retention) and repairs what the
   * looks do not see: a run closed from outside (terminated), a new run that published nothing yet.
   */
  reloadMs: number;
  /**
   * Looks back at least this much before the previous look: visibility indexes a change a moment late.
   * When it is later than that (a busy server), the look-back grows with the lateness seen, up to 3 times this.
   */
  overlapMs: number;
  /** Between two counts of the running books in visibility, which find a new book no look saw (visibility later than the look-back). */
  countMs: number;
}

const VISIBILITY_LAG_MS = 150;
// Each book a look returns costs the dev server ≈ 0.6 ms of its single SQLite connection: every second
// re-read of the overlap was most of its time in a 40,000-book deadline storm (bench:scale), so 5 s, not 10.
const DEFAULTS: BookIndexOptions = { pollMs: 1000, reloadMs: 10 * 60_000, overlapMs: 5_000, countMs: 30_000 };
/** A look that took t ms lets the next one start, even woken by a write, only t × this later: looks keep to a fifth of the server's time. */
const LOOK_SPACING = 4;
/**
 * ...but never more than this later: a look's time is mostly its wait behind the server's other work, and
 * a look of 15 s behind an import once left the model a minute behind. Not less: under an import of
 * 8,000 books, looks of a minute each 5 s apart slowed it by a sixth (41 books/s; 50 at 10 s, as unbounded).
 */
const LOOK_GAP_MAX_MS = 10_000;
/** Reload pages: a page holds the server's one SQLite connection while it is read, so small ones let the routes in between. */
const RELOAD_PAGE = 250;
/** Seen lateness halves every minute once visibility keeps up again. */
const LATE_HALF_LIFE_MS = 60_000;
/** A write this API made is waited for this long at most (one that stamps nothing, or a clock apart from the server's). */
const AWAIT_WRITE_MS = 30_000;
/** Books asked for by id at once. */
const IDS_PER_QUERY = 100;
const FILTER_FIELDS = Object.keys(bookFilterSchema.shape) as (keyof BookFilter)[];
/** Results kept for the books as they are (a selection, a sorted list, a report): the routes' distinct questions of a minute. */
const RESULTS_KEPT = 64;

/** A reload, a look by the stamp, the books asked for by id. */
export const LOOK_KINDS = ['reload', 'look', 'byId'] as const;
export type LookKind = (typeof LOOK_KINDS)[number];

function indexed(i: WorkflowExecutionInfo): IndexedBook {
  const summary = summaryOf(i);
  searchText(summary);
  const sa = i.typedSearchAttributes;
  const changedAt = sa.get(SA.updatedAt);
  const version = stateVersion(i.runId, i.status.name, changedAt);
  return {
    ...(version ? { version, changedAt: changedAt!.getTime() } : {}),
    summary,
    attributes: {
      agency: summary.agencyCode,
      district: summary.districtCode,
      level: summary.level,
      type: summary.type,
      period: summary.period,
      step: summary.step,
      overdue: summary.overdue,
      followsPlan: summary.followsPlan,
      extendedMs: summary.followsPlan && summary.deadline ? Date.parse(summary.deadline) : null,
      awaitingHuman: summary.awaitingHuman,
      failing: sa.get(SA.failing) ?? false,
      custody: sa.get(SA.custody) ?? null,
      running: summary.executionStatus === 'RUNNING',
    },
  };
}

/**
 * The API's read model of the province: every book's list line, in memory, so the overview, sorted lists
 * and the stuck list answer at any size without listing tens of thousands of books per request. Fed by
 * the workflows themselves: each published change stamps SohoaUpdatedAt, and the index asks visibility
 * every second for the books changed (or closed) since its last look. Never the source of truth: it is
 * rebuilt from Temporal at start and every few minutes, and a route falls back to visibility until the
 * first load is done. Books started before the stamp existed refresh at the reload only.
 */
export class BookIndex {
  private books = new Map<string, IndexedBook>();
  /**
   * Results computed from the books, each with the test of the books it was computed from: a look that
   * changes a book drops the results it could change (without a test, any change drops it).
   */
  private results = new Map<string, { value: unknown; from?: (b: BookAttributes) => boolean }>();
  /** When a book that follows the plan next turns overdue under this plan deadline (kept until a look changes a book). */
  private turn?: { deadline: string; at: number };
  private loadedAt = 0;
  private lookedAt = 0;
  /** How late visibility indexed a change lately: the most a change found by a look predates the look before it. */
  private late = { ms: 0, at: 0 };
  /** When visibility last counted the running books, and how many counts in a row differed from the model. */
  private counted = { at: 0, differing: 0 };
  /** When this API last changed a book (started one, sent an action): lists wait for a look after it. */
  private wroteAt = 0;
  /** Callers waiting for the writes made before they asked: each tells whether the index has caught up with them. */
  private waiting: { caught: () => boolean; resolve: () => void }[] = [];
  /** Books this API wrote, with when the write began and when it was told: waited for until a look sees the write's stamp (asked for by id once the look-back has passed it). */
  private awaited = new Map<string, { began: number; at: number }>();
  /** Books whose state is closed while their run still runs (it closes once its last notices are out): asked for by id until it has. */
  private closing = new Set<string>();
  /** What the read model has asked visibility for, by kind: questions and books returned (the API's metrics). */
  readonly reads = Object.fromEntries(LOOK_KINDS.map((k) => [k, { looks: 0, books: 0 }])) as Record<LookKind, { looks: number; books: number }>;
  private stopped = false;
  /** Ends the pause between looks: at once (`now`, to stop), else no sooner than the spacing allows. */
  private wake?: (now?: boolean) => void;
  private loop?: Promise<void>;
  private readonly opts: BookIndexOptions;

  constructor(
    private readonly client: Client,
    private readonly onError: (e: unknown) => void,
    opts: Partial<BookIndexOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Whether the first full load is done (before that, callers ask visibility). */
  get ready(): boolean {
    return this.loadedAt > 0;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.(true);
    await this.loop;
  }

  /**
   * This API changed a book (`id`, if it took the write, which began at `began`): look again now, and let
   * the next list wait until a look has seen the write (read your writes), however late visibility indexes it.
   */
  wrote(id?: string, began = Date.now()): void {
    this.wroteAt = Date.now();
    if (id) this.awaited.set(id, { began, at: this.wroteAt });
    setTimeout(() => this.wake?.(), VISIBILITY_LAG_MS + 10).unref();
  }

  /**
   * Resolves once the index has seen this API's writes made before the call (at most `maxWaitMs`, then as
   * it is): a look began a moment after the last of them, and the books written are seen with their stamp.
   * Writes made after the call are not waited for (an import running beside a list).
   */
  async caughtUp(maxWaitMs = 3000): Promise<void> {
    if (!this.ready) return;
    const wroteAt = this.wroteAt;
    const ids = [...this.awaited.keys()];
    const caught = () => this.lookedAt > wroteAt + VISIBILITY_LAG_MS && ids.every((id) => !this.awaited.has(id));
    if (caught()) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, maxWaitMs);
      this.waiting.push({
        caught,
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
      });
    });
  }

  /** A book as of the last look, once the first load is done. */
  known(id: string): IndexedBook | undefined {
    return this.ready ? this.books.get(id) : undefined;
  }

  /** The list lines a caller sees under a filter, as of the last look (with `plan`, needed to filter overdue books: its deadline in place for the books that follow it). */
  select(units: Units, actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>, filter: Partial<BookFilter> = {}, plan?: PlanNow): RegisterSummary[] {
    return this.selectMatching(bookMatcher(units, actor, filter, plan), plan);
  }

  /**
   * What the lines of the books that follow the plan show under it, as a key: the plan's deadline and the
   * first moment after now at which one of them turns overdue (the plan's deadline, or an extension past
   * it). A result or a status answer kept under it holds until the key changes.
   */
  planKey(plan: PlanNow): string {
    return `${plan.deadline}|${this.overdueTurnsAt(plan)}`;
  }

  private overdueTurnsAt(plan: PlanNow): number {
    if (this.turn?.deadline === plan.deadline && this.turn.at > plan.nowMs) return this.turn.at;
    const deadlineMs = Date.parse(plan.deadline);
    let at = deadlineMs > plan.nowMs ? deadlineMs : Infinity;
    for (const { attributes: b } of this.books.values()) {
      if (b.followsPlan && b.running && b.extendedMs !== null && b.extendedMs > plan.nowMs && b.extendedMs > deadlineMs && b.extendedMs < at) at = b.extendedMs;
    }
    this.turn = { deadline: plan.deadline, at };
    return at;
  }

  /** The list lines of the books a test selects, as of the last look (with `plan`, its deadline in place for the books that follow it). */
  selectMatching(match: (b: BookAttributes) => boolean, plan?: PlanNow): RegisterSummary[] {
    const key = plan ? this.planKey(plan) : '';
    const out: RegisterSummary[] = [];
    for (const b of this.books.values()) {
      if (!match(b.attributes)) continue;
      if (!plan || !b.summary.followsPlan) {
        out.push(b.summary);
        continue;
      }
      if (b.underPlan?.key !== key) b.underPlan = { key, summary: searchesAs(summaryUnderPlan(b.summary, plan), b.summary) };
      out.push(b.underPlan.summary);
    }
    return out;
  }

  /**
   * A result computed from the books as the last look left them, kept until a look changes a book it was
   * computed `from` (any book, without the test): the same question asked again (a report reloaded, the
   * next page of a list, a clerk's queue while other communes' books change) costs nothing at 40,000
   * books. The result is shared: callers never change it.
   */
  kept<T>(key: string, compute: () => T, from?: (b: BookAttributes) => boolean): T {
    const hit = this.results.get(key);
    if (hit) {
      // Least recently asked leave first.
      this.results.delete(key);
      this.results.set(key, hit);
      return hit.value as T;
    }
    const value = compute();
    this.results.set(key, { value, from });
    if (this.results.size > RESULTS_KEPT) this.results.delete(this.results.keys().next().value!);
    return value;
  }

  /** A look changed these books (as they were, if known, and as they are): the results they could change go. */
  private forget(changes: [BookAttributes | undefined, BookAttributes][]): void {
    if (!changes.length) return;
    this.turn = undefined;
    for (const [key, r] of this.results) {
      const from = r.from;
      if (!from || changes.some(([was, now]) => (was && from(was)) || from(now))) this.results.delete(key);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const t0 = Date.now();
      let reloaded = false;
      try {
        reloaded = await this.refresh();
      } catch (e) {
        this.onError(e);
      }
      this.waiting = this.waiting.filter((w) => (w.caught() ? (w.resolve(), false) : true));
      if (this.stopped) break;
      // A reload is rare and not spaced; a look's own time spaces the next (a storm of writes makes looks long).
      const earliest = Date.now() + (reloaded ? 0 : Math.min((Date.now() - t0) * LOOK_SPACING, LOOK_GAP_MAX_MS));
      await new Promise<void>((resolve) => {
        let t = setTimeout(resolve, Math.max(this.opts.pollMs, earliest - Date.now()));
        this.wake = (now) => {
          clearTimeout(t);
          t = setTimeout(resolve, now ? 0 : Math.max(0, earliest - Date.now()));
        };
      });
      this.wake = undefined;
    }
  }

  /** One look (or a full reload, which it tells). */
  private async refresh(): Promise<boolean> {
    const startedAt = Date.now();
    const base = BASE_CLAUSES.join(' AND ');
    if (startedAt - this.loadedAt >= this.opts.reloadMs || this.counted.differing >= 2) {
      const all = await listAll(this.client, base, Infinity, undefined, indexed, RELOAD_PAGE);
      this.read('reload', all.length);
      this.books = new Map(all.map((b) => [b.summary.id, b]));
      this.results.clear();
      this.turn = undefined;
      this.seeWrites(all, startedAt);
      this.closing = new Set(all.filter((b) => isClosing(b, startedAt - this.opts.reloadMs)).map((b) => b.summary.id));
      this.loadedAt = startedAt;
      this.lookedAt = startedAt;
      this.counted = { at: startedAt, differing: 0 };
      return true;
    }
    // Only the stamp: it has an index, where an OR with StartTime or CloseTime made the server read every
    // book (≈ 0.5 s a look at 40,000). Started books carry the stamp from their start request; a closing
    // run is asked for by id below.
    const sinceMs = this.lookedAt - this.overlapMs(startedAt);
    const since = new Date(sinceMs).toISOString();
    const stamped = await listAll(this.client, `${base} AND ${SA.updatedAt.name} >= "${since}"`, Infinity, undefined, indexed);
    this.read('look', stamped.length);
    this.seeWrites(stamped, startedAt);
    const byId: IndexedBook[] = [];
    // A write of this API stamped before the look-back is one the stamp can no longer find (visibility
    // indexed it later than that): asked for by id. Younger ones are the next looks' (asking for every
    // write by id made a look behind an import of 60 books/s take 24 s).
    const lost = [...this.awaited].filter(([, w]) => w.began < sinceMs).map(([id]) => id);
    const ids = [...new Set([...this.closing, ...lost])];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const batch = ids.slice(i, i + IDS_PER_QUERY).map(quote).join(', ');
      byId.push(...(await listAll(this.client, `${base} AND WorkflowId IN (${batch})`, Infinity, undefined, indexed)));
    }
    if (ids.length) this.read('byId', byId.length);
    this.seeWrites(byId, startedAt);
    const recent = startedAt - this.opts.reloadMs;
    let added = 0;
    const changes: [BookAttributes | undefined, BookAttributes][] = [];
    for (const [i, b] of [...stamped, ...byId].entries()) {
      const was = this.books.get(b.summary.id);
      // The overlap brings most books back unchanged: only a new version (or a close) changes what the routes see.
      if (!was || was.version !== b.version || was.summary.executionStatus !== b.summary.executionStatus) {
        changes.push([was?.attributes, b.attributes]);
        if (!was) added++;
        // Stamped before the previous look began, yet that look did not see it: visibility indexed it this
        // late (a closing run found by id carries an older stamp and tells nothing).
        if (b.changedAt !== undefined && i < stamped.length) this.seeLate(this.lookedAt - b.changedAt, startedAt);
      }
      this.books.set(b.summary.id, b);
      if (isClosing(b, recent)) this.closing.add(b.summary.id);
      else this.closing.delete(b.summary.id);
    }
    this.forget(changes);
    this.lookedAt = startedAt;
    // A book no look found (visibility later than the look-back, all at once): while no new book comes in,
    // visibility counting other running books than the model twice in a row means one was missed (once
    // may be a book started or closed between the look and the count): reload now rather than in minutes.
    // Running runs, as a workflow id has at most one (a book started again after a failed run has two runs).
    if (added === 0 && startedAt - this.counted.at >= this.opts.countMs) {
      const { count } = await this.client.workflow.count(`${base} AND ExecutionStatus = "Running"`);
      let running = 0;
      for (const b of this.books.values()) if (b.attributes.running) running++;
      this.counted = { at: startedAt, differing: count === running ? 0 : this.counted.differing + 1 };
    }
    return false;
  }

  private read(kind: LookKind, books: number): void {
    this.reads[kind].looks++;
    this.reads[kind].books += books;
  }

  /** Writes of this API a look has seen (their book stamped since the write began), or waited for long enough. */
  private seeWrites(books: IndexedBook[], now: number): void {
    for (const b of books) if ((b.changedAt ?? 0) >= (this.awaited.get(b.summary.id)?.began ?? Infinity)) this.awaited.delete(b.summary.id);
    for (const [id, w] of this.awaited) if (now - w.at > AWAIT_WRITE_MS) this.awaited.delete(id);
  }

  /** The look-back: the configured one, plus twice the lateness visibility showed lately. */
  private overlapMs(now: number): number {
    // At most three times the configured one: each book a look returns costs the server, and a busier
    // server indexes later still.
    return this.opts.overlapMs + Math.min(2 * this.lateMs(now), 2 * this.opts.overlapMs);
  }

  /** The lateness seen, fading as visibility keeps up again. */
  private lateMs(now: number): number {
    return this.late.ms * 0.5 ** ((now - this.late.at) / LATE_HALF_LIFE_MS);
  }

  private seeLate(ms: number, now: number): void {
    if (ms > this.lateMs(now)) this.late = { ms, at: now };
  }
}

/** A run that still runs with its state closed, changed since `recent` (one stuck longer waits for the reload). */
function isClosing(b: IndexedBook, recent: number): boolean {
  return b.attributes.running && b.summary.phase === 'closed' && (b.changedAt ?? 0) >= recent;
}

/**
 * What a caller sees under a filter, computed by `compute` from the books it selects, with the plan's
 * deadline in place for the books that follow it: from the read model once it is loaded (kept there under
 * `what` until the books change, the plan's deadline moves or a book turns overdue), from visibility (all
 * pages, shared a few seconds) before that. The books handed to `compute`, and a result it returns as
 * they are, are shared: read them, never change them.
 */
export async function fromBooks<T>(
  ctx: { index: BookIndex; books: BookService; units: Units; plan: Pick<PlanService, 'now'> },
  actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>,
  filter: Partial<BookFilter>,
  what: string,
  compute: (books: readonly RegisterSummary[]) => T,
): Promise<T> {
  const plan = ctx.plan.now();
  if (!ctx.index.ready) return compute((await ctx.books.listAllCached(buildQuery(ctx.units, actor, filter, plan))).map((b) => summaryUnderPlan(b, plan)));
  await ctx.index.caughtUp();
  // Only the filter's own fields: a list's page or sort is not part of the books it selects.
  const key = JSON.stringify([what, ctx.index.planKey(plan), actor.scope, actor.agencyCode, actor.within ?? null, FILTER_FIELDS.map((f) => filter[f] ?? null)]);
  const match = bookMatcher(ctx.units, actor, filter, plan);
  return ctx.index.kept(key, () => compute(ctx.index.selectMatching(match, plan)), match);
}

/** The books a caller sees under a filter (shared: never changed by the caller). */
export const selectBooks = (ctx: Parameters<typeof fromBooks>[0], actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>, filter: Partial<BookFilter>): Promise<readonly RegisterSummary[]> =>
  fromBooks(ctx, actor, filter, 'books', (books) => books);
