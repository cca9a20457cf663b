import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { FailingActivity, StuckReport } from '../../contracts/v1';
import type { Actor } from '../../domain/actors';
import type { Units } from '../../domain/units';
import type { BookService } from './books';
import { mapLimit } from './pool';
import { fromBooks, selectBooks, type BookIndex } from './bookIndex';
import type { PlanService } from './plan';
import { buildQuery } from '../../clients/temporal/visibilityQuery';
import { byCodeUnits } from '../../domain/text';

const DAY = 86_400_000;

/**
 * Books that do not move: an automatic step that keeps failing, or a person's step waiting longer than
 * the configured days. Both come from visibility alone (the workflow keeps `SohoaFailing` and its memo
 * current), so the list is one query at any size. `deep` also describes every running book: books
 * started before the mark existed retry without end and never set it, and notices retry beside a book.
 */
export class StuckScanner {
  private cache: { at: number; failing: FailingActivity[] } | undefined;

  private readonly ctx: { books: BookService; units: Units; index: BookIndex; plan: PlanService };

  constructor(
    private readonly books: BookService,
    private readonly units: Units,
    index: BookIndex,
    plan: PlanService,
  ) {
    this.ctx = { books, units, index, plan };
  }

  /** Books whose workflow marked their automatic step failing. */
  async markedFailing(actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>): Promise<FailingActivity[]> {
    const books = await selectBooks(this.ctx, actor, { status: 'running', failing: true });
    return books
      .filter((b) => b.failing)
      .map((b): FailingActivity => ({
        id: b.id,
        title: b.title,
        step: b.step,
        activity: b.failing!.activity,
        attempt: b.failing!.attempts,
        lastError: b.failing!.lastError,
        since: b.failing!.since,
        lastAttemptAt: null,
        nextAttemptAt: b.failing!.retryAt,
      }))
      .sort((a, b) => b.attempt - a.attempt);
  }

  /** Activities retried at least `minAttempts` times, from `describe()` of each book the query selects. */
  async describedFailing(query: string, minAttempts = 2, limit = 5000): Promise<FailingActivity[]> {
    const running = await this.books.listAll(query, limit);
    const found = await mapLimit(running, 8, async (b) => {
      const d = await this.books.client.workflow
        .getHandle(b.id)
        .describe()
        .catch(() => undefined);
      return (d?.raw.pendingActivities ?? [])
        .filter((p) => (p.attempt ?? 1) >= minAttempts || p.lastFailure)
        .map(
          (p): FailingActivity => ({
            id: b.id,
            title: b.title,
            step: b.step,
            activity: p.activityType?.name ?? '?',
            attempt: p.attempt ?? 1,
            lastError: p.lastFailure?.message ?? null,
            since: optionalTsToDate(p.scheduledTime)?.toISOString() ?? null,
            lastAttemptAt: optionalTsToDate(p.lastAttemptCompleteTime ?? p.lastStartedTime)?.toISOString() ?? null,
            nextAttemptAt: optionalTsToDate(p.nextAttemptScheduleTime)?.toISOString() ?? null,
          }),
        );
    });
    return found.flat();
  }

  /**
   * The stuck report for a caller: every failing book, and a page of the books waiting for a person (the
   * longest waiting first; in a live project most books wait at their first step, ≈ 5 MB at 40,000).
   */
  async scan(actor: Actor, opts: { days: number; deep?: boolean; now?: number; limit: number; offset: number }): Promise<Omit<StuckReport, 'days'>> {
    const now = opts.now ?? Date.now();
    const failing = await this.markedFailing(actor);
    if (opts.deep) {
      const marked = new Set(failing.map((f) => f.id));
      const described = await this.describedFailing(buildQuery(this.units, actor, { status: 'running' }));
      failing.push(...described.filter((f) => !marked.has(f.id)));
      failing.sort((a, b) => b.attempt - a.attempt);
    }
    // Kept for the minute while no book changes.
    const waiting = await fromBooks(this.ctx, actor, { status: 'running', awaitingHuman: true }, `waiting:${opts.days}:${Math.floor(now / 60_000)}`, (awaiting) =>
      awaiting
        .filter((b) => b.phaseSince && now - Date.parse(b.phaseSince) >= opts.days * DAY)
        .map((b) => ({ id: b.id, title: b.title, step: b.step, phase: b.phase, since: b.phaseSince!, days: Math.floor((now - Date.parse(b.phaseSince!)) / DAY) }))
        // Longest waiting first; the same order on every page.
        .sort((a, b) => b.days - a.days || byCodeUnits(a.since, b.since) || byCodeUnits(a.id, b.id)),
    );
    const failingIds = new Set(failing.map((f) => f.id));
    let both = 0;
    if (failingIds.size) for (const w of waiting) if (failingIds.has(w.id)) both++;
    const next = opts.offset + opts.limit;
    return {
      failing,
      waiting: waiting.slice(opts.offset, next),
      waitingTotal: waiting.length,
      books: failing.length + waiting.length - both,
      ...(next < waiting.length ? { nextOffset: next } : {}),
    };
  }

  /** Province-wide failing books for /metrics, computed at most every 30 s. */
  async metricsSnapshot(): Promise<FailingActivity[]> {
    if (this.cache && Date.now() - this.cache.at < 30_000) return this.cache.failing;
    const failing = await this.markedFailing({ scope: 'province', agencyCode: this.units.provinceCode });
    this.cache = { at: Date.now(), failing };
    return failing;
  }
}
