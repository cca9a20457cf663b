import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { RegisterSummary } from '../../contracts/v1';
import type { BookFilter } from '../../contracts/v1/filters';
import type { Actor } from '../../domain/actors';
import type { Units } from '../../domain/units';
import { listAll, summaryOf } from '../../clients/temporal/visibility';
import { BASE_CLAUSES, bookMatcher, buildQuery, type BookAttributes } from '../../clients/temporal/visibilityQuery';
import type { BookService } from './books';
import { stateVersion } from './statusCache';
import { SA } from '../../workflows/definitions';

/** A book as the read model keeps it: its list line, the attributes the filters read, the version of its state. */
export interface IndexedBook {
  summary: RegisterSummary;
  attributes: BookAttributes;
  /** `stateVersion` as of the last look (absent on books started before SohoaUpdatedAt). */
  version?: string;
}

export interface BookIndexOptions {
  /** Between two looks for changed books. */
  pollMs: number;
  /** A full reload now and then drops books visibility no longer holds (retention) and repairs any drift. */
  reloadMs: number;
  /** Looks back this much before the previous look: visibility may index a change a moment late. */
  overlapMs: number;
}

const VISIBILITY_LAG_MS = 150;
const DEFAULTS: BookIndexOptions = { pollMs: 1000, reloadMs: 10 * 60_000, overlapMs: 10_000 };

function indexed(i: WorkflowExecutionInfo): IndexedBook {
  const summary = summaryOf(i);
  const sa = i.typedSearchAttributes;
  const version = stateVersion(i.runId, i.status.name, sa.get(SA.updatedAt));
  return {
    ...(version ? { version } : {}),
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
  private loadedAt = 0;
  private lookedAt = 0;
  /** When this API last changed a book (started one, sent an action): lists wait for a look after it. */
  private wroteAt = 0;
  private looked: (() => void)[] = [];
  private stopped = false;
  private wake?: () => void;
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
    this.wake?.();
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

  /** A look that began a moment after the last write (visibility indexes a change a few ms after it). */
  private caught(): boolean {
    return this.lookedAt > this.wroteAt + VISIBILITY_LAG_MS;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.refresh();
      } catch (e) {
        this.onError(e);
      }
      if (this.caught()) for (const done of this.looked.splice(0)) done();
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.opts.pollMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async refresh(): Promise<void> {
    const startedAt = Date.now();
    const base = BASE_CLAUSES.join(' AND ');
    if (startedAt - this.loadedAt >= this.opts.reloadMs) {
      const all = await listAll(this.client, base, Infinity, undefined, indexed);
      this.books = new Map(all.map((b) => [b.summary.id, b]));
      this.loadedAt = startedAt;
    } else {
      const since = new Date(this.lookedAt - this.opts.overlapMs).toISOString();
      const changed = await listAll(
        this.client,
        `${base} AND (${SA.updatedAt.name} >= "${since}" OR StartTime >= "${since}" OR CloseTime >= "${since}")`,
        Infinity,
        undefined,
        indexed,
      );
      for (const b of changed) this.books.set(b.summary.id, b);
    }
    this.lookedAt = startedAt;
  }
}

/**
 * The books a caller sees under a filter: from the read model once it is loaded, from visibility (all
 * pages, shared a few seconds) before that.
 */
export async function selectBooks(
  ctx: { index: BookIndex; books: BookService; units: Units },
  actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>,
  filter: Partial<BookFilter>,
): Promise<RegisterSummary[]> {
  if (!ctx.index.ready) return ctx.books.listAllCached(buildQuery(ctx.units, actor, filter));
  return ctx.index.caughtUp().then(() => ctx.index.select(ctx.units, actor, filter));
}
