import { expect, it } from 'vitest';
import { workflowIdFor } from '../../domain/book';
import { MEMO_KEYS, statusFromMemo } from '../../domain/memo';
import { actionUpdates, statusQuery, WORKFLOW_TYPE } from '../../workflows/definitions';
import { planSettingsSchema, type WorkflowInputV1 } from '../../contracts/v1';
import { startBook } from '../../clients/temporal/startBook';
import { book, input, users } from '../support/fixtures';
import { startDevServer, useWorkerEnv } from '../support/temporal';

const t = useWorkerEnv(() => startDevServer());
const future = { deadline: '2099-01-01T00:00:00+07:00' };

/** A book started with `args` (not as the API starts it), and a person's action on it. */
async function started(args: WorkflowInputV1) {
  const h = await t.env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: t.taskQueue, workflowId: workflowIdFor(args.book), args: [args] });
  const act = (action: keyof typeof actionUpdates, actor: typeof users.clerk, payload: unknown) => h.executeUpdate(actionUpdates[action], { args: [{ actor, payload }] });
  return { h, act };
}

/** A book started with `args`, given three actions that do not move its deadline; its history's events by type. */
async function run(args: WorkflowInputV1) {
  const { h, act } = await started(args);
  await act('addNote', users.clerk, { text: 'Sổ để ở kho 2' });
  await act('setPriority', users.manager, { priority: 5, reason: 'cần gấp' });
  await act('addNote', users.manager, { text: 'Ưu tiên trong tháng' });
  const events = (await h.fetchHistory()).events!;
  const count = (attr: string) => events.filter((e) => (e as Record<string, unknown>)[attr]).length;
  return { h, events, markers: count('markerRecordedEventAttributes'), timers: count('timerStartedEventAttributes'), cancelled: count('timerCanceledEventAttributes') };
}

it('a book started today records no patch markers, keeps its wake-up timer across actions and publishes only what changed', async () => {
  const now = await run(input(book({ bookNo: '71' }), future));
  // Every patch is in force from the start: no marker, no TemporalChangeVersion upsert.
  expect(now.markers).toBe(0);
  const upserts = now.events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes);
  expect(upserts.flatMap((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!))).not.toContain('TemporalChangeVersion');
  // Three actions that leave the deadline where it was: one timer, never cancelled.
  expect([now.timers, now.cancelled]).toEqual([1, 0]);
  // An action's upsert names only what changed (the priority and the stamp), yet the memo stays whole.
  const priority = upserts.findLast((e) => 'SohoaPriority' in e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!)!;
  expect(Object.keys(priority.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!).sort()).toEqual(['SohoaPriority', 'SohoaUpdatedAt']);
  const d = await now.h.describe();
  expect(Object.keys(d.memo ?? {})).toEqual(expect.arrayContaining(MEMO_KEYS.filter((k) => k !== 'failing' && k !== 'custodian')));
  expect(d.memo).toMatchObject({ priority: 5, title: expect.stringContaining('71') });
  expect(d.searchAttributes).toMatchObject({ SohoaPriority: [5] });
});

it("a book's memo holds its whole status, as the query answers it, after each change and once closed", async () => {
  const { h, act } = await started(input(book({ bookNo: '73' }), future));
  const same = async () => {
    const [d, q] = await Promise.all([h.describe(), h.query(statusQuery)]);
    expect(statusFromMemo(d.memo, Date.now())).toEqual(q);
  };
  await act('confirmInventory', users.clerk, { cases: 40, pages: 80, condition: 'worn', note: 'bìa rách' });
  await same();
  await act('extendDeadline', users.manager, { deadline: '2099-06-30T00:00:00+07:00', reason: 'sổ hư cần phục chế' });
  await same();
  await act('withdraw', users.manager, { reason: 'sổ trùng với sổ khác' });
  await h.result();
  const closed = statusFromMemo((await h.describe()).memo, Date.now())!;
  expect(closed).toMatchObject({ step: 'withdrawn', extendedDeadline: '2099-06-30T00:00:00+07:00', withdrawn: { reason: 'sổ trùng với sổ khác' } });
  expect(closed.actions.map((a) => a.action)).toEqual(['confirmInventory', 'extendDeadline', 'withdraw']);
});

it('a book started as the API starts it publishes nothing in its first workflow task: its start already holds its list line and status', async () => {
  const b = book({ bookNo: '74' });
  await startBook(t.env.client, t.taskQueue, b, planSettingsSchema.parse(future));
  const h = t.env.client.workflow.getHandle(workflowIdFor(b));
  // Before any action the status is there, as the query answers it.
  const q = await h.query(statusQuery);
  const d = await h.describe();
  expect(statusFromMemo(d.memo, Date.now())).toEqual(q);
  expect(d.searchAttributes.SohoaUpdatedAt).toEqual([new Date(q.startedAt)]);
  const first = (await h.fetchHistory()).events!.map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')));
  expect(first).toEqual(['workflowExecutionStartedEventAttributes', 'workflowTaskScheduledEventAttributes', 'workflowTaskStartedEventAttributes', 'workflowTaskCompletedEventAttributes', 'timerStartedEventAttributes']);
  // The first change publishes as before.
  await h.executeUpdate(actionUpdates.setPriority, { args: [{ actor: users.manager, payload: { priority: 5, reason: 'cần gấp' } }] });
  const after = await h.describe();
  expect(statusFromMemo(after.memo, Date.now())).toEqual(await h.query(statusQuery));
  expect(after.searchAttributes).toMatchObject({ SohoaPriority: [5] });
});

it("a plan deadline moved into the past marks a book overdue in the action's own change: one publish, not two (code version 2 books keep two)", async () => {
  /** The upserts and memo changes of the workflow task that took the move, and the book's status after it. */
  const moved = async (args: WorkflowInputV1) => {
    const { h, act } = await started(args);
    // A first action, so the move has a workflow task of its own (not the first one, which publishes everything).
    await act('addNote', users.manager, { text: 'Sổ để ở kho 2' });
    const status = await act('setPlanDeadline', users.manager, { deadline: new Date(Date.now() - 86_400_000).toISOString(), reason: 'Hạn kế hoạch đã qua' });
    const events = (await h.fetchHistory()).events!;
    const task = events.slice(events.findLastIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes));
    const taskEnd = task.findIndex((e) => e.workflowTaskScheduledEventAttributes);
    const inTask = taskEnd < 0 ? task : task.slice(0, taskEnd);
    const upserts = inTask.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes);
    return {
      status,
      upserts: upserts.map((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!).sort()),
      memos: inTask.filter((e) => e.workflowPropertiesModifiedEventAttributes).length,
      described: (await h.describe()).searchAttributes,
    };
  };
  const now = await moved(input(book({ bookNo: '75' }), future));
  // The update answers with the book already overdue, published in one upsert and one memo change.
  expect(now.status).toMatchObject({ overdue: true });
  expect(now.upserts).toEqual([['SohoaDeadline', 'SohoaOverdue', 'SohoaUpdatedAt']]);
  expect(now.memos).toBe(1);
  expect(now.described).toMatchObject({ SohoaOverdue: [true] });
  const v2 = await moved({ ...input(book({ bookNo: '76' }), future), codeVersion: 2 });
  expect(v2.upserts).toEqual([['SohoaDeadline', 'SohoaUpdatedAt'], ['SohoaOverdue', 'SohoaUpdatedAt']]);
  expect(v2.memos).toBe(2);
  expect(v2.described).toMatchObject({ SohoaOverdue: [true] });
});

it('a book started before code version 2 keeps asking its patches, a timer each turn', async () => {
  const { codeVersion: _, ...before } = input(book({ bookNo: '72' }), future);
  const old = await run(before);
  // Each patch of the first run is a marker (and the book replays as it was recorded: see test/replay).
  expect(old.markers).toBeGreaterThanOrEqual(8);
  // Each turn of its loop that an action woke cancels the turn's timer (two actions may share a turn).
  expect(old.cancelled).toBeGreaterThanOrEqual(2);
});
