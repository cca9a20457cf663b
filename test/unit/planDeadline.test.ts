import { describe, expect, it } from 'vitest';
import { applyAction, checkAction, initialState, nextWakeAt, statusOf, takeDueEvents } from '../../domain/bookState';
import { statusUnderPlan, summaryUnderPlan } from '../../domain/planDeadline';
import { planSettingsSchema } from '../../domain/settings';
import type { RegisterSummary } from '../../contracts/v1';
import { book, users } from '../support/fixtures';

const DAY = 86_400_000;
const started = '2025-01-01T00:00:00+07:00';
const S = Date.parse(started);
const at = (ms: number) => new Date(ms).toISOString();
/** A book that follows the province plan, started with the plan's deadline 60 days ahead. */
const following = () => initialState(book(), planSettingsSchema.parse({ deadline: at(S + 60 * DAY), waitReminderDays: 14, followsPlan: true }), started);

describe('a book that follows the province plan (pure)', () => {
  it('sets no deadline timer and sends no deadline reminder or overdue mark of its own; waiting reminders stay', () => {
    const s = following();
    expect(s.followsPlan).toBe(true);
    // Only the waiting reminder (14 days at its first step) wakes it.
    expect(nextWakeAt(s)).toBe(S + 14 * DAY);
    expect(takeDueEvents(s, S + 100 * DAY).map((e) => e.kind)).toEqual(['waitingReminder']);
    expect(s.overdue).toBe(false);
  });

  it("its status and list line take the plan's deadline as it is now; an extension past it counts", () => {
    const s = following();
    const plan = { deadline: at(S + 10 * DAY), nowMs: S + 20 * DAY };
    const status = statusUnderPlan(statusOf(s, S), plan);
    expect([status.planDeadline, status.deadline, status.overdue, status.overdueSince, status.daysLeft]).toEqual([plan.deadline, plan.deadline, true, plan.deadline, -10]);
    expect(statusUnderPlan(statusOf(s, S), { ...plan, nowMs: S + 5 * DAY }).overdue).toBe(false);

    applyAction(s, { action: 'extendDeadline', payload: { deadline: at(S + 30 * DAY), reason: 'gia hạn' } }, users.manager, at(S + DAY));
    const extended = statusUnderPlan(statusOf(s, S + 20 * DAY), plan);
    expect([extended.deadline, extended.overdue, extended.daysLeft]).toEqual([at(S + 30 * DAY), false, 10]);
    // Its list line: SohoaDeadline holds the extension alone.
    const line = { followsPlan: true, deadline: at(S + 30 * DAY), executionStatus: 'RUNNING', overdue: false } as RegisterSummary;
    expect(summaryUnderPlan(line, { ...plan, nowMs: S + 31 * DAY })).toMatchObject({ deadline: at(S + 30 * DAY), overdue: true });
    expect(summaryUnderPlan({ ...line, deadline: null }, plan)).toMatchObject({ deadline: plan.deadline, overdue: true });
    expect(summaryUnderPlan({ ...line, deadline: null, executionStatus: 'COMPLETED' }, plan).overdue).toBe(false);
  });

  it('a plan deadline of its own (even the plan’s date) makes it keep its own deadline, timers and overdue mark', () => {
    const s = following();
    const own = at(S + 60 * DAY);
    expect(checkAction(s, 'setPlanDeadline', users.manager, { deadline: own, reason: 'hạn riêng' })).toBeUndefined();
    applyAction(s, { action: 'setPlanDeadline', payload: { deadline: own, reason: 'hạn riêng' } }, users.manager, at(S + DAY));
    expect(s.followsPlan).toBe(false);
    expect(nextWakeAt(s)).toBe(S + 14 * DAY);
    expect(takeDueEvents(s, S + 60 * DAY).map((e) => e.kind)).toEqual(['overdue', 'waitingReminder']);
    // The plan no longer reaches it.
    const status = statusUnderPlan(statusOf(s, S + 61 * DAY), { deadline: at(S + 200 * DAY), nowMs: S + 61 * DAY });
    expect([status.deadline, status.overdue]).toEqual([own, true]);
  });

  it('books started before the plan was kept apart are read as they hold themselves', () => {
    const s = initialState(book(), planSettingsSchema.parse({ deadline: at(S + 60 * DAY) }), started);
    expect(s.followsPlan).toBeUndefined();
    const status = statusOf(s, S);
    expect(statusUnderPlan(status, { deadline: at(S - DAY), nowMs: S })).toBe(status);
  });
});
