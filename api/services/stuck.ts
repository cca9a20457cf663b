import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { Actor } from '../../domain/actors';
import { QUANG_NAM_CODE } from '../../domain/data/quangNam';
import type { BookService } from './books';
import { mapLimit } from './pool';
import { buildQuery } from './visibilityQuery';

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
 * Books that do not move: an automatic step whose activity keeps failing (from `describe()`'s
 * pending activities), or a person's step waiting longer than the configured days (from the memo).
 */
export class StuckScanner {
  private cache: { at: number; failing: FailingActivity[] } | undefined;

  constructor(private readonly books: BookService) {}

  /** Activities retried at least `minAttempts` times, among the running books the query selects. */
  async failingActivities(query: string, minAttempts = 2, limit = 5000): Promise<FailingActivity[]> {
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
    return found.flat().sort((a, b) => b.attempt - a.attempt);
  }

  /**
   * The stuck report for a caller. By default only books in an automatic step are described
   * (one call each); `deep` describes every running book of the jurisdiction.
   */
  async scan(actor: Actor, opts: { days: number; deep?: boolean; now?: number }): Promise<{ failing: FailingActivity[]; waiting: WaitingBook[] }> {
    const now = opts.now ?? Date.now();
    const failing = await this.failingActivities(
      buildQuery(actor, { status: 'running', ...(opts.deep ? {} : { awaitingHuman: false }) }),
    );
    const awaiting = await this.books.listAll(buildQuery(actor, { status: 'running', awaitingHuman: true }));
    const waiting = awaiting
      .filter((b) => b.phaseSince && now - Date.parse(b.phaseSince) >= opts.days * DAY)
      .map((b) => ({ id: b.id, title: b.title, step: b.step, phase: b.phase, since: b.phaseSince!, days: Math.floor((now - Date.parse(b.phaseSince!)) / DAY) }))
      .sort((a, b) => b.days - a.days);
    return { failing, waiting };
  }

  /** Province-wide failing activities for /metrics, computed at most every 30 s. */
  async metricsSnapshot(): Promise<FailingActivity[]> {
    if (this.cache && Date.now() - this.cache.at < 30_000) return this.cache.failing;
    const failing = await this.failingActivities(buildQuery(PROVINCE, { status: 'running', awaitingHuman: false }), 2, 2000);
    this.cache = { at: Date.now(), failing };
    return failing;
  }
}
