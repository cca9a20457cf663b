import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { Actor } from '../../domain/actors';
import { QUANG_NAM_CODE } from '../../domain/data/quangNam';
import type { BookService } from './books';
import { mapLimit } from './pool';
import { SA } from '../../workflows/definitions';
import { buildQuery } from '../../clients/temporal/visibilityQuery';

export interface FailingActivity {
  id: string;
  title: string | null;
  step: string | null;
  activity: string;
  attempt: number;
  lastError: string | null;
  /** When the activity was first scheduled: the book has been stuck since then. */
  since: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

export interface WaitingBook {
  id: string;
  title: string | null;
  step: string | null;
  phase: string | null;
  since: string;
  days: number;
}

const DAY = 86_400_000;
const PROVINCE: Pick<Actor, 'scope' | 'agencyCode'> = { scope: 'province', agencyCode: QUANG_NAM_CODE };

/**
 * Books that do not move: an automatic step that keeps failing, or a person's step waiting longer than
 * the configured days. Both come from visibility alone (the workflow keeps `SohoaFailing` and its memo
 * current), so the list is one query at any size. `deep` also describes every running book: books
 * started before the mark existed retry without end and never set it, and notices retry beside a book.
 */
export class StuckScanner {
  private cache: { at: number; failing: FailingActivity[] } | undefined;

  constructor(private readonly books: BookService) {}

  /** Books whose workflow marked their automatic step failing. */
  async markedFailing(query: string, limit = 5000): Promise<FailingActivity[]> {
    const books = await this.books.listAll(`${query} AND ${SA.failing.name} = true`, limit);
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

  /** The stuck report for a caller. */
  async scan(actor: Actor, opts: { days: number; deep?: boolean; now?: number }): Promise<{ failing: FailingActivity[]; waiting: WaitingBook[] }> {
    const now = opts.now ?? Date.now();
    const running = buildQuery(actor, { status: 'running' });
    const failing = await this.markedFailing(running);
    if (opts.deep) {
      const marked = new Set(failing.map((f) => f.id));
      const described = await this.describedFailing(running);
      failing.push(...described.filter((f) => !marked.has(f.id)));
      failing.sort((a, b) => b.attempt - a.attempt);
    }
    const awaiting = await this.books.listAll(buildQuery(actor, { status: 'running', awaitingHuman: true }));
    const waiting = awaiting
      .filter((b) => b.phaseSince && now - Date.parse(b.phaseSince) >= opts.days * DAY)
      .map((b) => ({ id: b.id, title: b.title, step: b.step, phase: b.phase, since: b.phaseSince!, days: Math.floor((now - Date.parse(b.phaseSince!)) / DAY) }))
      .sort((a, b) => b.days - a.days);
    return { failing, waiting };
  }

  /** Province-wide failing books for /metrics, computed at most every 30 s. */
  async metricsSnapshot(): Promise<FailingActivity[]> {
    if (this.cache && Date.now() - this.cache.at < 30_000) return this.cache.failing;
    const failing = await this.markedFailing(buildQuery(PROVINCE, { status: 'running' }), 2000);
    this.cache = { at: Date.now(), failing };
    return failing;
  }
}
