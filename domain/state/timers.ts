import { DAY, daysLeft, isClosed, type BookState } from './types';
import { awaitingHuman } from './guards';

export function effectiveDeadline(s: Pick<BookState, 'planDeadline' | 'extendedDeadline'>): string {
  if (!s.extendedDeadline) return s.planDeadline;
  return Date.parse(s.extendedDeadline) > Date.parse(s.planDeadline) ? s.extendedDeadline : s.planDeadline;
}

/**
 * Overdue is a mark of open books only: it lifts when the book closes or its deadline moves past now.
 * It is set only by `takeDueEvents`, with the overdue event (books before the daily digest notify it).
 */
export function liftOverdue(s: BookState, nowMs: number): void {
  if (s.overdue && (isClosed(s) || nowMs < Date.parse(s.deadline))) {
    s.overdue = false;
    s.overdueSince = undefined;
  }
}

function reminders(s: BookState) {
  // The plan's reminders are its agencies' digest, not 40,000 timers at once.
  if (s.followsPlan) return [];
  const deadline = Date.parse(s.deadline);
  return s.settings.reminderDays
    .map((daysBefore) => ({ daysBefore, key: `reminder:${s.deadline}:${daysBefore}`, at: deadline - daysBefore * DAY }))
    .filter((r) => !s.remindersSent.includes(r.key));
}

const waitingDueAt = (s: BookState) => Date.parse(s.lastWaitReminderAt ?? s.phaseSince) + s.settings.waitReminderDays * DAY;

/** When the book's next deadline or waiting event falls due, if any. */
export function nextWakeAt(s: BookState): number | undefined {
  if (isClosed(s)) return undefined;
  const times: number[] = [];
  // A book that follows the plan is overdue by the readers' count (the plan's deadline is not its to know).
  if (!s.overdue && !s.followsPlan) times.push(Date.parse(s.deadline), ...reminders(s).map((r) => r.at));
  if (awaitingHuman(s)) times.push(waitingDueAt(s));
  return times.length ? Math.min(...times) : undefined;
}

export interface DueEvent {
  kind: 'deadlineReminder' | 'overdue' | 'waitingReminder';
  key: string;
  daysLeft?: number;
  waitingDays?: number;
}

/**
 * Marks what has fallen due by `nowMs` and returns the notices to send. Reminders that fell due
 * together (a book started late, or a deadline moved) fold into one, the nearest to the deadline.
 */
export function takeDueEvents(s: BookState, nowMs: number): DueEvent[] {
  if (isClosed(s)) return [];
  const out: DueEvent[] = [];
  const due = reminders(s).filter((r) => r.at <= nowMs);
  if (!s.overdue && !s.followsPlan && nowMs >= Date.parse(s.deadline)) {
    s.overdue = true;
    s.overdueSince = new Date(nowMs).toISOString();
    s.remindersSent.push(...due.map((r) => r.key));
    out.push({ kind: 'overdue', key: `overdue:${s.deadline}` });
  } else if (due.length) {
    s.remindersSent.push(...due.map((r) => r.key));
    const nearest = due.reduce((a, b) => (a.daysBefore < b.daysBefore ? a : b));
    out.push({ kind: 'deadlineReminder', key: nearest.key, daysLeft: daysLeft(s.deadline, nowMs) });
  }
  if (awaitingHuman(s) && nowMs >= waitingDueAt(s)) {
    out.push({
      kind: 'waitingReminder',
      key: `waiting:${s.step}:${s.phaseSince}:${new Date(nowMs).toISOString()}`,
      waitingDays: Math.floor((nowMs - Date.parse(s.phaseSince)) / DAY),
    });
    s.lastWaitReminderAt = new Date(nowMs).toISOString();
  }
  return out;
}
