import { describe, expect, it } from 'vitest';
import { startBook } from '../../clients/temporal/startBook';
import type { ActionName } from '../../domain/actions';
import type { Actor } from '../../domain/actors';
import { workflowIdFor, type Book } from '../../domain/book';
import { applyAction, initialState } from '../../domain/bookState';
import { actionUpdates, statusQuery, WORKFLOW_TYPE } from '../../workflows/definitions';
import { artifactKeys } from '../../domain/naming';
import { planSettingsSchema } from '../../domain/settings';
import type { WorkflowInputV1 as WorkflowInput } from '../../contracts/v1';
import { uploadSampleScans } from '../../clients/samples';
import type { registerDigitization } from '../../workflows/registerDigitization';
import { breakableStore, GatedOutbox } from '../support/faults';
import { book, input, users } from '../support/fixtures';
import { useWorkerEnv, waitForStatus } from '../support/temporal';

let outbox: GatedOutbox;
let store: ReturnType<typeof breakableStore>;
const t = useWorkerEnv(undefined, (d) => {
  outbox = new GatedOutbox(`${d.dir}/outbox`);
  store = breakableStore(d.store);
  return { ...d, outbox, store };
});

const act = (id: string, action: ActionName, actor: Actor, payload: unknown = {}, idempotencyKey?: string) =>
  t.env.client.workflow.getHandle(id).executeUpdate(actionUpdates[action], { args: [{ actor, payload, ...(idempotencyKey ? { idempotencyKey } : {}) }] });

const start = (args: WorkflowInput) =>
  t.env.client.workflow.start<typeof registerDigitization>(WORKFLOW_TYPE, { taskQueue: t.taskQueue, workflowId: workflowIdFor(args.book), args: [args] });

async function pendingAttempts(id: string): Promise<number> {
  const d = await t.env.client.workflow.getHandle(id).describe();
  return Math.max(0, ...(d.raw.pendingActivities ?? []).map((p) => p.attempt ?? 0));
}

describe('a book is never stuck or failed by a race', () => {
  it('an upload that arrives while a notice is being written still gets packaged', async () => {
    const b = book({ bookNo: '61' });
    outbox.close();
    const written = outbox.nextWrite();
    // Three days before its deadline: the reminder is due at once.
    const h = await start(input(b, { deadline: new Date(Date.now() + 3 * 86_400_000).toISOString() }));
    expect((await written).kind).toBe('deadlineReminder');
    // The notice is held; meanwhile the clerk confirms and the contractor delivers.
    await act(h.workflowId, 'confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
    const st = await act(h.workflowId, 'scansUploaded', users.contractor, { uploadPrefix: await uploadSampleScans(t.deps.store, b, 2) });
    expect(st.phase).toBe('processing');
    const packaged = await waitForStatus(t.env.client, h.workflowId, (s) => s.phase !== 'processing', 100).finally(() => outbox.openGate());
    expect(packaged).toMatchObject({ step: 'scan', phase: 'review', counts: { pdfs: 2 } });
    // Once the outbox answers, the held notice goes out, once.
    await expect.poll(async () => (await outbox.list()).filter((n) => n.workflowId === h.workflowId).map((n) => n.kind), { timeout: 10_000 }).toEqual(['deadlineReminder']);
  });

  it('withdrawing a book whose packaging keeps failing cancels the activity and closes the run as withdrawn', async () => {
    const b = book({ bookNo: '62' });
    const h = await start(input(b, { deadline: '2099-01-01T00:00:00+07:00' }));
    await act(h.workflowId, 'confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
    const uploadPrefix = await uploadSampleScans(t.deps.store, b, 2);
    store.broken.add(artifactKeys(b).prefix);
    await act(h.workflowId, 'scansUploaded', users.contractor, { uploadPrefix });
    for (let i = 0; (await pendingAttempts(h.workflowId)) < 2; i++) {
      if (i > 300) throw new Error('packaging never retried');
      await new Promise((r) => setTimeout(r, 100));
    }
    await act(h.workflowId, 'withdraw', users.manager, { reason: 'Sổ hỏng, không quét được' });
    const result = await h.result();
    expect(result).toMatchObject({ step: 'withdrawn', phase: 'closed' });
    const d = await h.describe();
    expect(d.status.name).toBe('COMPLETED');
    expect(d.raw.pendingActivities ?? []).toEqual([]);
    const events = (await h.fetchHistory()).events ?? [];
    expect(events.some((e) => e.activityTaskCancelRequestedEventAttributes)).toBe(true);
    store.broken.clear();
  });

  it('a book whose run failed can be started again; a running or closed one cannot', async () => {
    const b = book({ bookNo: '63' });
    const plan = planSettingsSchema.parse({ deadline: '2099-01-01T00:00:00+07:00' });
    expect((await startBook(t.env.client, t.taskQueue, b, plan)).result).toBe('created');
    expect((await startBook(t.env.client, t.taskQueue, b, plan)).result).toBe('existing');
    await t.env.client.workflow.getHandle(workflowIdFor(b)).terminate('thử: lượt chạy hỏng');
    expect((await startBook(t.env.client, t.taskQueue, b, plan)).result).toBe('created');
    const h = t.env.client.workflow.getHandle(workflowIdFor(b));
    await act(h.workflowId, 'withdraw', users.manager, { reason: 'Sổ trùng' });
    await h.result();
    expect((await startBook(t.env.client, t.taskQueue, b, plan)).result).toBe('existing');
  });
});

describe('carried into a new run', () => {
  it('a book started before packaging existed keeps its manual path in every later run', async () => {
    const b: Book = book({ bookNo: '64' });
    const at = new Date().toISOString();
    const carried = initialState(b, planSettingsSchema.parse({ deadline: '2099-01-01T00:00:00+07:00' }), at);
    applyAction(carried, { action: 'confirmInventory', payload: { cases: 2, pages: 4, condition: 'good', repairNeeded: false } }, users.clerk, at);
    const h = await start({ ...input(b), carried, automations: [] });
    const st = await act(h.workflowId, 'scansUploaded', users.contractor, { uploadPrefix: await uploadSampleScans(t.deps.store, b, 2) });
    // No packaging: straight to the clerk's review, as before the automation existed.
    expect(st).toMatchObject({ step: 'scan', phase: 'review' });
    expect(st.artifacts.map((a) => a.kind)).toEqual(['upload']);
  });

  it('an idempotency key already applied is not applied again', async () => {
    const b = book({ bookNo: '65' });
    const h = await start(input(b, { deadline: '2099-01-01T00:00:00+07:00' }));
    await act(h.workflowId, 'setPriority', users.manager, { priority: 1 }, 'uu-tien-1');
    await act(h.workflowId, 'setPriority', users.manager, { priority: 5 });
    await expect(act(h.workflowId, 'setPriority', users.manager, { priority: 1 }, 'uu-tien-1')).rejects.toMatchObject({ cause: { type: 'NoChange' } });
    const st = await h.query(statusQuery);
    expect(st.priority).toBe(5);
    expect(st.actions.filter((a) => a.idempotencyKey === 'uu-tien-1')).toHaveLength(1);
  });
});
