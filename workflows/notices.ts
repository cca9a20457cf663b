import { ActivityFailure, condition, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import { takeDueEvents, type BookState } from '../domain/bookState';
import { noticeFor, type Notice } from '../domain/notices';
import { unbounded } from './activityOptions';

const { notify } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: unbounded('short').retry });

/**
 * Notices go out beside the book's loop, never in its way: a slow or failing outbox delays only the
 * notices, and what is not yet written when the run continues as new is handed to the next run.
 */
export class NoticeQueue {
  constructor(readonly pending: Notice[] = []) {}

  push(notices: Notice[]): void {
    this.pending.push(...notices);
  }

  get idle(): boolean {
    return this.pending.length === 0;
  }

  /** Runs for the whole run: one notice at a time, in the order they fell due. */
  async drain(): Promise<never> {
    for (;;) {
      await condition(() => !this.idle);
      const next = this.pending[0]!;
      try {
        await notify(next);
      } catch (e) {
        // Retried without end, so only a notice the outbox refuses outright ends here: drop it, loudly.
        if (!(e instanceof ActivityFailure)) throw e;
        log.error('notice dropped', { id: next.id, error: e.cause?.message ?? e.message });
      }
      this.pending.shift();
    }
  }
}

/**
 * What fell due now, taken from the state (which marks it: `changed`), and the notices it sends, worded
 * for their readers. With the daily digest, a book that passes its deadline is marked overdue but sends
 * no notice of its own.
 */
export function dueNotices(state: BookState, at: string, digest: boolean): { changed: boolean; notices: Notice[] } {
  const events = takeDueEvents(state, Date.parse(at));
  const notified = digest ? events.filter((e) => e.kind !== 'overdue') : events;
  return { changed: events.length > 0, notices: notified.map((e) => noticeFor(state, e, at)) };
}

/**
 * The first books' way, kept so their histories replay: notices sent inline, the book's loop waiting
 * for each (an update arriving meanwhile could be missed by the loop's next wait).
 */
export async function sendInline(state: BookState, changed: () => void): Promise<void> {
  const events = takeDueEvents(state, Date.now());
  if (!events.length) return;
  changed();
  const at = new Date(Date.now()).toISOString();
  for (const e of events) await notify(noticeFor(state, e, at));
}
