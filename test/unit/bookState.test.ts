import { describe, expect, it } from 'vitest';
import { applyAction, checkAction, initialState, nextWakeAt, takeDueEvents, type BookState } from '../../domain/bookState';
import { planSettingsSchema } from '../../domain/settings';
import { book, users } from '../support/fixtures';

const DAY = 86_400_000;
const deadline = '2025-01-01T00:00:00+07:00';
const D = Date.parse(deadline);
const at = (ms: number) => new Date(ms).toISOString();
/** Waiting reminders are set far off unless a test is about them, so deadline events stand alone. */
const fresh = (startMs: number, waitReminderDays = 365): BookState =>
  initialState(book(), planSettingsSchema.parse({ deadline, waitReminderDays }), at(startMs));

describe('deadline rules (pure)', () => {
  it('sends the 30-day and 7-day reminders, then marks overdue', () => {
    const s = fresh(D - 60 * DAY);
    expect(nextWakeAt(s)).toBe(D - 30 * DAY);
    expect(takeDueEvents(s, D - 30 * DAY).map((e) => [e.kind, e.daysLeft])).toEqual([['deadlineReminder', 30]]);
    expect(nextWakeAt(s)).toBe(D - 7 * DAY);
    expect(takeDueEvents(s, D - 7 * DAY).map((e) => e.daysLeft)).toEqual([7]);
    expect(takeDueEvents(s, D).map((e) => e.kind)).toEqual(['overdue']);
    expect(s.overdue).toBe(true);
    expect(takeDueEvents(s, D + DAY)).toEqual([]);
  });

  it('a book started after its deadline is overdue at once, without stale reminders', () => {
    const s = fresh(D + 10 * DAY);
    expect(takeDueEvents(s, D + 10 * DAY).map((e) => e.kind)).toEqual(['overdue']);
  });

  it('a book started 20 days before gets one reminder, not two', () => {
    const s = fresh(D - 20 * DAY);
    expect(takeDueEvents(s, D - 20 * DAY).map((e) => [e.kind, e.daysLeft])).toEqual([['deadlineReminder', 20]]);
    expect(nextWakeAt(s)).toBe(D - 7 * DAY);
  });

  it('an extension lifts the overdue mark and re-arms reminders for the new deadline', () => {
    const s = fresh(D + DAY);
    takeDueEvents(s, D + DAY);
    const newDeadline = at(D + 60 * DAY);
    expect(checkAction(s, 'extendDeadline', users.manager, { deadline: newDeadline, reason: 'gia hạn theo QĐ' })).toBeUndefined();
    applyAction(s, { action: 'extendDeadline', payload: { deadline: newDeadline, reason: 'gia hạn' } }, users.manager, at(D + DAY));
    expect(s.deadline).toBe(newDeadline);
    expect(s.overdue).toBe(false);
    expect(nextWakeAt(s)).toBe(D + 30 * DAY);
  });

  it('waiting for a person longer than the configured days sends a reminder, then again after as many days', () => {
    const s = fresh(D - 200 * DAY, 14);
    expect(nextWakeAt(s)).toBe(D - 186 * DAY);
    expect(takeDueEvents(s, D - 186 * DAY).map((e) => [e.kind, e.waitingDays])).toEqual([['waitingReminder', 14]]);
    expect(nextWakeAt(s)).toBe(D - 172 * DAY);
  });
});

describe('action checks (pure)', () => {
  it('refuses by role, jurisdiction, step and payload, in that order', () => {
    const s = fresh(D - 100 * DAY);
    expect(checkAction(s, 'confirmInventory', users.auditor, {})?.code).toBe('Forbidden');
    expect(checkAction(s, 'confirmInventory', users.otherClerk, {})?.code).toBe('Forbidden');
    expect(checkAction(s, 'approve', users.clerk, {})?.code).toBe('WrongStep');
    expect(checkAction(s, 'confirmInventory', users.clerk, { cases: 'x' })?.code).toBe('InvalidPayload');
    expect(checkAction(s, 'confirmInventory', users.districtClerk, { cases: 1, pages: 1, condition: 'good' })).toBeUndefined();
    expect(checkAction(s, 'setPriority', users.manager, { priority: 3 })?.code).toBe('NoChange');
  });

  it('refuses storage keys of another book, so no book packages or imports another’s files', () => {
    const s = fresh(D - 100 * DAY);
    applyAction(s, { action: 'confirmInventory', payload: { cases: 2, pages: 2, condition: 'good', repairNeeded: false } }, users.clerk, at(D - 99 * DAY));
    const other = 'books/20398/KS.2017.01/uploads/x';
    expect(checkAction(s, 'scansUploaded', users.contractor, { uploadPrefix: other })).toMatchObject({ code: 'InvalidPayload', message: expect.stringMatching(/^uploadPrefix: khóa/) });
    expect(checkAction(s, 'scansUploaded', users.contractor, { uploadPrefix: 'books/20335/KS.2017.01/uploads/x' })).toBeUndefined();
  });

  it('acceptance is approved by managers only, and a rejection can send the book back to an earlier step', () => {
    const s = fresh(D - 100 * DAY);
    const now = at(D - 99 * DAY);
    applyAction(s, { action: 'confirmInventory', payload: { cases: 2, pages: 2, condition: 'good', repairNeeded: false } }, users.clerk, now);
    applyAction(s, { action: 'scansUploaded', payload: { uploadPrefix: 'u' } }, users.contractor, now);
    applyAction(s, { action: 'approve', payload: {} }, users.clerk, now);
    applyAction(s, { action: 'c06Received', payload: { batchRef: 'b', records: 2 } }, users.c06, now);
    applyAction(s, { action: 'approve', payload: {} }, users.clerk, now);
    applyAction(s, { action: 'importConfirmed', payload: { imported: 2, failed: 0 } }, users.clerk, now);
    expect(s.step).toBe('acceptance');
    expect(checkAction(s, 'approve', users.clerk, {})?.code).toBe('Forbidden');
    expect(checkAction(s, 'reject', users.manager, { reasons: ['x'], backTo: 'done' })?.code).toBe('InvalidPayload');
    applyAction(s, { action: 'reject', payload: { reasons: ['thiếu 1 PDF'], backTo: 'scan' } }, users.manager, now);
    expect([s.step, s.phase]).toEqual(['scan', 'work']);
  });
});
