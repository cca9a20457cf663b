import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../domain/book';
import { initialState } from '../../domain/bookState';
import { planSettingsSchema } from '../../domain/settings';
import { actionUpdates, SA, statusQuery, WORKFLOW_TYPE } from '../../workflows/definitions';
import { book, input, users } from '../support/fixtures';
import { startTimeSkipping, useWorkerEnv } from '../support/temporal';

const DAY = 86_400_000;
const t = useWorkerEnv(startTimeSkipping);

async function notices(workflowId: string) {
  return (await t.deps.outbox.list()).filter((n) => n.workflowId === workflowId).reverse();
}

describe('deadlines across months of workflow time (time-skipping server)', () => {
  it('reminds 30 and 7 days before, marks overdue at the deadline (no notice of its own: the daily digest lists it), and a manager’s extension moves the timers', async () => {
    const now = await t.env.currentTimeMs();
    const deadline = new Date(now + 40 * DAY).toISOString();
    const b = book({ bookNo: '21' });
    const h = await t.env.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: t.taskQueue,
      workflowId: workflowIdFor(b),
      args: [input(b, { deadline, waitReminderDays: 365 })],
    });

    await t.env.sleep(9 * DAY);
    expect(await notices(h.workflowId)).toEqual([]);
    await t.env.sleep(2 * DAY); // day 11 = 29 days before
    expect((await notices(h.workflowId)).map((n) => n.kind)).toEqual(['deadlineReminder']);
    expect((await notices(h.workflowId))[0]!.message).toMatch(/còn 30 ngày đến hạn/);

    await t.env.sleep(23 * DAY); // day 34 = 6 days before
    expect((await notices(h.workflowId)).map((n) => n.message.match(/còn (\d+) ngày/)?.[1])).toEqual(['30', '7']);
    expect((await h.query(statusQuery)).overdue).toBe(false);

    await t.env.sleep(7 * DAY); // day 41: past the deadline
    let st = await h.query(statusQuery);
    expect(st.overdue).toBe(true);
    expect((await notices(h.workflowId)).map((n) => n.kind)).toEqual(['deadlineReminder', 'deadlineReminder']);
    expect((await h.describe()).typedSearchAttributes.get(SA.overdue)).toBe(true);

    // The plan slipped: a manager extends this book by 60 days from now.
    const extended = new Date((await t.env.currentTimeMs()) + 60 * DAY).toISOString();
    st = await h.executeUpdate(actionUpdates.extendDeadline, {
      args: [{ actor: users.manager, payload: { deadline: extended, reason: 'Kế hoạch lùi đến 12/3/2025' } }],
    });
    expect(st.overdue).toBe(false);
    expect(st.deadline).toBe(extended);

    await t.env.sleep(31 * DAY); // 29 days before the new deadline
    const kinds = (await notices(h.workflowId)).map((n) => n.kind);
    expect(kinds).toEqual(['deadlineReminder', 'deadlineReminder', 'deadlineReminder']);
    await t.env.sleep(30 * DAY);
    expect((await h.query(statusQuery)).overdue).toBe(true);
    expect((await notices(h.workflowId)).filter((n) => n.kind === 'overdue')).toEqual([]);
  });

  it('a book whose deadline has passed is overdue at once; a book waiting for a person too long gets a reminder', async () => {
    const past = input(book({ bookNo: '22' }), { deadline: '2025-01-01T00:00:00+07:00', waitReminderDays: 10 });
    const h = await t.env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: t.taskQueue, workflowId: workflowIdFor(past.book), args: [past] });
    await t.env.sleep(1000);
    expect((await h.query(statusQuery)).overdue).toBe(true);
    expect(await notices(h.workflowId)).toEqual([]);
    await t.env.sleep(10 * DAY + 1000);
    const after = await notices(h.workflowId);
    expect(after.map((n) => n.kind)).toEqual(['waitingReminder']);
    expect(after[0]!.message).toMatch(/đã chờ 10 ngày ở bước Rà soát, thống kê/);
  });

  it('a book started before the daily digest (a later run that carries no choice) keeps its own overdue notice', async () => {
    const b = book({ bookNo: '23' });
    const plan = planSettingsSchema.parse({ deadline: '2025-01-01T00:00:00+07:00', waitReminderDays: 365 });
    const carried = initialState(b, plan, new Date(await t.env.currentTimeMs()).toISOString());
    const h = await t.env.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: t.taskQueue,
      workflowId: workflowIdFor(b),
      args: [{ ...input(b, plan), carried, automations: [] }],
    });
    await t.env.sleep(1000);
    expect((await h.query(statusQuery)).overdue).toBe(true);
    const mine = await notices(h.workflowId);
    expect(mine.map((n) => n.kind)).toEqual(['overdue']);
    expect(mine[0]!.message).toMatch(/^QUÁ HẠN: Sổ đăng ký khai sinh quyển 23/);
  });
});
