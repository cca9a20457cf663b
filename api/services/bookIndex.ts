import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { RegisterSummary } from '../../contracts/v1';
import { bookFilterSchema, type BookFilter } from '../../contracts/v1/filters';
import type { Actor } from '../../domain/actors';
import type { Units } from '../../domain/units';
import { listAll, summaryOf } from '../../clients/temporal/visibility';
import { BASE_CLAUSES, bookMatcher, buildQuery, quote, type BookAttributes } from '../../clients/temporal/visibilityQuery';
import type { BookService } from './books';
import { stateVersion } from './statusCache';
import { SA } from '../../workflows/definitions';

/** A book as the read model keeps it: its list line, the attributes the filters read, the version of its state. */
export interface IndexedBook {
  summary: RegisterSummary;
  attributes: BookAttributes;
  /** `stateVersion` as of the last look (absent on books started before SohoaUpdatedAt). */
  version?: string;
  /** Its last published change (SohoaUpdatedAt), in ms. */
  changedAt?: number;
}

export interface BookIndexOptions {
  /** Between two looks for changed books (a write through this API wakes one sooner). */
  pollMs: number;
  /**
   * A full reload now and then drops books visibility no longer holds (retention) and repairs what the
   * looks do not see: a run closed from outside (terminated), a new run that published nothing yet.
   */
  reloadMs: number;
  /** Looks back this much before the previous look: visibility may index a change a moment late. */
  overlapMs: number;
}

const VISIBILITY_LAG_MS = 150;
// Each book a look returns costs the dev server ≈ 0.6 ms of its single SQLite connection: every second
// re-read of the overlap was most of its time in a 40,000-book deadline storm (bench:scale), so 5 s, not 10.
const DEFAULTS: BookIndexOptions = { pollMs: 1000, reloadMs: 10 * 60_000, overlapMs: 5_000 };
/** A look that took t ms lets the next one start, even woken by a write, only t × this later: looks keep to a fifth of the server's time. */
const LOOK_SPACING = 4;
/** Reload pages: a page holds the server's one SQLite connection while it is read, so small ones let the routes in between. */
const RELOAD_PAGE = 250;
/** Books asked for by id at once. */
const IDS_PER_QUERY = 100;
const FILTER_FIELDS = Object.keys(bookFilterSchema.shape) as (keyof BookFilter)[];
/** Results kept for the books as they are (a selection, a sorted list, a report): the routes' distinct questions of a minute. */
const RESULTS_KEPT = 64;

function indexed(i: WorkflowExecutionInfo): IndexedBook {
  const summary = summaryOf(i);
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
  /** Counts the changes of `books`: a result kept under an older count is computed again. */
  private generation = 0;
  private results = { generation: -1, kept: new Map<string, unknown>() };
  private loadedAt = 0;
  private lookedAt = 0;
  /** When this API last changed a book (started one, sent an action): lists wait for a look after it. */
  private wroteAt = 0;
  private looked: (() => void)[] = [];
  /** Books whose state is closed while their run still runs (it closes once its last notices are out): asked for by id until it has. */
  private closing = new Set<string>();
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

  /** This API changed a book: look again now, and let the next list wait for that look (read your writes). */
  wrote(): void {
    this.wroteAt = Date.now();
    setTimeout(() => this.wake?.(), VISIBILITY_LAG_MS + 10).unref();
  }

  /** Resolves once the index has looked after this API's last write (at most `maxWaitMs`, then as it is). */
  async caughtUp(maxWaitMs = 3000): Promise<void> {
    if (this.caught() || !this.ready) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, maxWaitMs);
      this.looked.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** A book as of the last look, once the first load is done. */
  known(id: string): IndexedBook | undefined {
    return this.ready ? this.books.get(id) : undefined;
  }

  /** The list lines a caller sees under a filter, as of the last look. */
  select(units: Units, actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>, filter: Partial<BookFilter> = {}): RegisterSummary[] {
    const match = bookMatcher(units, actor, filter);
    const out: RegisterSummary[] = [];
    for (const b of this.books.values()) if (match(b.attributes)) out.push(b.summary);
    return out;
  }

  /**
   * A result computed from the books as the last look left them, kept until a look changes one: the same
   * question asked again (a report reloaded, the next page of a list) costs nothing at 40,000 books.
   * The result is shared: callers never change it.
   */
  kept<T>(key: string, compute: () => T): T {
    if (this.results.generation !== this.generation) this.results = { generation: this.generation, kept: new Map() };
    const kept = this.results.kept;
    if (kept.has(key)) {
      const v = kept.get(key) as T;
      // Least recently asked leave first.
      kept.delete(key);
      kept.set(key, v);
      return v;
    }
    const v = compute();
    kept.set(key, v);
    if (kept.size > RESULTS_KEPT) kept.delete(kept.keys().next().value!);
    return v;
  }

  /** A look that began a moment after the last write (visibility indexes a change a few ms after it). */
  private caught(): boolean {
    return this.lookedAt > this.wroteAt + VISIBILITY_LAG_MS;
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
      if (this.caught()) for (const done of this.looked.splice(0)) done();
      if (this.stopped) break;
      // A reload is rare and not spaced; a look's own time spaces the next (a storm of writes makes looks long).
      const earliest = Date.now() + (reloaded ? 0 : (Date.now() - t0) * LOOK_SPACING);
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
    if (startedAt - this.loadedAt >= this.opts.reloadMs) {
      const all = await listAll(this.client, base, Infinity, undefined, indexed, RELOAD_PAGE);
      this.books = new Map(all.map((b) => [b.summary.id, b]));
      this.generation++;
      this.closing = new Set(all.filter((b) => isClosing(b, startedAt - this.opts.reloadMs)).map((b) => b.summary.id));
      this.loadedAt = startedAt;
      this.lookedAt = startedAt;
      return true;
    }
    // Only the stamp: it has an index, where an OR with StartTime or CloseTime made the server read every
    // book (≈ 0.5 s a look at 40,000). Started books carry the stamp from their start request; a closing
    // run is asked for by id below.
    const since = new Date(this.lookedAt - this.opts.overlapMs).toISOString();
    const changed = await listAll(this.client, `${base} AND ${SA.updatedAt.name} >= "${since}"`, Infinity, undefined, indexed);
    const ids = [...this.closing];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const batch = ids.slice(i, i + IDS_PER_QUERY).map(quote).join(', ');
      changed.push(...(await listAll(this.client, `${base} AND WorkflowId IN (${batch})`, Infinity, undefined, indexed)));
    }
    const recent = startedAt - this.opts.reloadMs;
    for (const b of changed) {
      const was = this.books.get(b.summary.id);
      // The overlap brings most books back unchanged: only a new version (or a close) changes what the routes see.
      if (!was || was.version !== b.version || was.summary.executionStatus !== b.summary.executionStatus) this.generation++;
      this.books.set(b.summary.id, b);
      if (isClosing(b, recent)) this.closing.add(b.summary.id);
      else this.closing.delete(b.summary.id);
    }
    this.lookedAt = startedAt;
    return false;
  }
}

/** A run that still runs with its state closed, changed since `recent` (one stuck longer waits for the reload). */
function isClosing(b: IndexedBook, recent: number): boolean {
  return b.attributes.running && b.summary.phase === 'closed' && (b.changedAt ?? 0) >= recent;
}

/**
 * What a caller sees under a filter, computed by `compute` from the books it selects: from the read model
 * once it is loaded (kept there under `what` until the books change), from visibility (all pages,
 * shared a few seconds) before that. The books handed to `compute`, and a result it returns as they
 * are, are shared: read them, never change them.
 */
export async function fromBooks<T>(
  ctx: { index: BookIndex; books: BookService; units: Units },
  actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>,
  filter: Partial<BookFilter>,
  what: string,
  compute: (books: readonly RegisterSummary[]) => T,
): Promise<T> {
  if (!ctx.index.ready) return compute(await ctx.books.listAllCached(buildQuery(ctx.units, actor, filter)));
  await ctx.index.caughtUp();
  // Only the filter's own fields: a list's page or sort is not part of the books it selects.
  const key = JSON.stringify([what, actor.scope, actor.agencyCode, actor.within ?? null, FILTER_FIELDS.map((f) => filter[f] ?? null)]);
  return ctx.index.kept(key, () => compute(ctx.index.select(ctx.units, actor, filter)));
}

/** The books a caller sees under a filter (shared: never changed by the caller). */
export const selectBooks = (ctx: Parameters<typeof fromBooks>[0], actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>, filter: Partial<BookFilter>): Promise<readonly RegisterSummary[]> =>
  fromBooks(ctx, actor, filter, 'books', (books) => books);
