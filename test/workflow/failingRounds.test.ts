import { expect, it } from 'vitest';
import { workflowIdFor } from '../../domain/book';
import { actionUpdates, statusQuery, WORKFLOW_TYPE } from '../../workflows/definitions';
import { artifactKeys } from '../../domain/naming';
import { SA } from '../../workflows/definitions';
import { uploadSampleScans } from '../../clients/samples';
import type { registerDigitization } from '../../workflows/registerDigitization';
import { breakableStore } from '../support/faults';
import { book, input, users } from '../support/fixtures';
import { startTimeSkipping, useWorkerEnv } from '../support/temporal';

let store: ReturnType<typeof breakableStore>;
const t = useWorkerEnv(startTimeSkipping, (d) => {
  store = breakableStore(d.store);
  return { ...d, store };
});

it('a step that keeps failing marks the book failing between rounds, and heals when the fault does (time-skipping)', async () => {
  const b = book({ bookNo: '71' });
  const h = await t.env.client.workflow.start<typeof registerDigitization>(WORKFLOW_TYPE, {
    taskQueue: t.taskQueue,
    workflowId: workflowIdFor(b),
    args: [input(b, { deadline: '2099-01-01T00:00:00+07:00', waitReminderDays: 365 })],
  });
  const act = (action: keyof typeof actionUpdates, actor = users.clerk, payload: unknown = {}) => h.executeUpdate(actionUpdates[action], { args: [{ actor, payload }] });
  await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
  const uploadPrefix = await uploadSampleScans(t.deps.store, b, 2);
  store.broken.add(artifactKeys(b).prefix);
  await act('scansUploaded', users.contractor, { uploadPrefix });

  // Five attempts with backoff (about 75 s), then the mark, then a pause before the next round.
  await t.env.sleep('3 minutes');
  let st = await h.query(statusQuery);
  expect(st.phase).toBe('processing');
  expect(st.failing).toMatchObject({ step: 'scan', activity: 'packageScans', lastError: expect.stringMatching(/không trả lời/) });
  expect(st.failing!.attempts).toBeGreaterThanOrEqual(5);
  const firstSince = st.failing!.since;
  expect((await h.describe()).typedSearchAttributes.get(SA.failing)).toBe(true);

  await t.env.sleep('30 minutes');
  st = await h.query(statusQuery);
  expect(st.failing!.attempts).toBeGreaterThan(10);
  expect(st.failing!.since).toBe(firstSince);

  // The store comes back: the next round packages the book and the mark is lifted.
  store.broken.clear();
  await t.env.sleep('2 hours');
  st = await h.query(statusQuery);
  expect(st).toMatchObject({ step: 'scan', phase: 'review', failing: null, counts: { pdfs: 2 } });
  expect((await h.describe()).typedSearchAttributes.get(SA.failing)).toBe(false);
});
