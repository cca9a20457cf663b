import { expect, it } from 'vitest';
import { workflowIdFor } from '../../domain/book';
import { actionUpdates, WORKFLOW_TYPE } from '../../workflows/definitions';
import { uploadSampleScans } from '../../clients/samples';
import { book, input, users } from '../support/fixtures';
import { startDevServer, useWorkerEnv, waitForStatus } from '../support/temporal';

// The server suggests continue-as-new after 80 events, so a manager's frequent changes cross it quickly.
const t = useWorkerEnv(() => startDevServer({ 'limit.historyCount.suggestContinueAsNew': 80 }));

it('a book with many progress reports continues as new, keeping its state and its workflow id', async () => {
  const b = book({ type: 'change', bookNo: '41' });
  const id = workflowIdFor(b);
  const h = await t.env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: t.taskQueue, workflowId: id, args: [input(b, { deadline: '2099-01-01T00:00:00+07:00' })] });
  const firstRun = h.firstExecutionRunId;
  const act = (action: keyof typeof actionUpdates, actor = users.clerk, payload: unknown = {}, idempotencyKey?: string) =>
    t.env.client.workflow.getHandle(id).executeUpdate(actionUpdates[action], { args: [{ actor, payload, ...(idempotencyKey && { idempotencyKey }) }] });
  const before = await act('setPriority', users.manager, { priority: 2 }, 'dat-uu-tien-2');
  // A manager flips the priority 40 times: 41 accepted updates, far past 80 events.
  for (let n = 1; n <= 40; n++) await act('setPriority', users.manager, { priority: n % 2 ? 4 : 2 });
  const st = await waitForStatus(t.env.client, id, (s) => s.priority === 2);
  const desc = await t.env.client.workflow.getHandle(id).describe();
  expect(desc.runId).not.toBe(firstRun);
  expect(desc.status.name).toBe('RUNNING');
  // The carried state: the accepted actions and the step are those of before the new run.
  expect(st.step).toBe('inventory');
  expect(st.actions.length).toBe(41);
  expect(st.startedAt).toBe(before.startedAt);
  // A client retrying its first request after the new run began is told it was done, not applied twice.
  await expect(act('setPriority', users.manager, { priority: 2 }, 'dat-uu-tien-2')).rejects.toMatchObject({ cause: { type: 'NoChange' } });
  // The book still takes actions in its new run, with the automation its first run had.
  const after = await act('confirmInventory', users.clerk, { cases: 3, pages: 3, condition: 'good' });
  expect(after.step).toBe('scan');
  const scanning = await act('scansUploaded', users.contractor, { uploadPrefix: await uploadSampleScans(t.deps.store, b, 3, 1) });
  expect(scanning.phase).toBe('processing');
  const packaged = await waitForStatus(t.env.client, id, (s) => s.phase === 'review');
  expect(packaged.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['zip', 'manifest']));
});
