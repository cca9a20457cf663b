import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { carriedStateSchema, upgradeCarried, type WorkflowInputV1 } from '../../contracts/v1';
import { actionUpdates, WORKFLOW_TYPE } from '../../workflows/definitions';
import { uploadSampleScans } from '../../clients/samples';
import { users } from '../support/fixtures';
import { useWorkerEnv, waitForStatus } from '../support/temporal';

/** The input a run of the v3 workflow handed to its next run by continue-as-new (the state without a version). */
async function v3ContinuedInput(): Promise<WorkflowInputV1> {
  const history = JSON.parse(await readFile(new URL('../replay/histories/continued-as-new-run2.v3.json', import.meta.url), 'utf8'));
  const payload = history.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
  return JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
}

describe('carried state of an older shape', () => {
  it('upgradeCarried reads the unversioned state of v3 runs as version 1, and refuses what is not a state', async () => {
    const { carried } = await v3ContinuedInput();
    expect(carried).not.toHaveProperty('schemaVersion');
    const up = upgradeCarried(carried);
    expect(up.schemaVersion).toBe(1);
    expect(carriedStateSchema.parse(up)).toEqual(up);
    expect(upgradeCarried(up)).toEqual(up);
    expect(() => upgradeCarried({ schemaVersion: 9 })).toThrow();
    expect(() => upgradeCarried({ step: 'scan' })).toThrow();
  });

  const t = useWorkerEnv();
  it('a book continued as new by the v3 workflow carries on in the current code', async () => {
    const input = await v3ContinuedInput();
    const id = `${(input.carried as { workflowId: string }).workflowId}`;
    const h = await t.env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: t.taskQueue, workflowId: id, args: [input] });
    const act = (action: keyof typeof actionUpdates, actor: typeof users.clerk, payload: unknown) => h.executeUpdate(actionUpdates[action], { args: [{ actor, payload }] });
    // The v3 book was registered under a sample code (20194) before units came from the dataset: its own clerk.
    const clerk = { ...users.clerk, agencyCode: input.book.agency.code };
    const confirmed = await act('confirmInventory', clerk, { cases: 2, pages: 2, condition: 'good' });
    // Its earlier actions came along; its automation (packaging) too.
    const before = (input.carried as { actions: unknown[] }).actions;
    expect(before.length).toBeGreaterThan(0);
    expect(confirmed.actions.length).toBe(before.length + 1);
    expect(confirmed.step).toBe('scan');
    await act('scansUploaded', { ...users.contractor, agencyCode: input.book.agency.districtCode }, { uploadPrefix: await uploadSampleScans(t.deps.store, input.book, 2, 1) });
    const packaged = await waitForStatus(t.env.client, id, (s) => s.phase === 'review');
    expect(packaged.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['zip', 'manifest']));
  });
});
