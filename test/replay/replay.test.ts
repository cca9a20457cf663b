import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_BUNDLE } from '../../clients/paths';
import { savedHistories } from './savedHistories';

async function replayAll(workflowBundle: { codePath: string } | { code: string }): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle }, await savedHistories())) results.push(r);
  return results;
}

describe('saved histories replay with the current workflow code', () => {
  it('every saved path of every version replays: ends, timers, failures, retries, continue-as-new', async () => {
    const results = await replayAll({ codePath: WORKFLOW_BUNDLE });
    const names = results.map((r) => r.workflowId);
    const paths = ['completed', 'rejected', 'withdrawn', 'overdue', 'reminders-waiting', 'failing-then-healed', 'failing-then-withdrawn', 'withdrawn-while-retrying'];
    paths.push('excel-invalid-then-fixed', 'http-import-retried', 'continued-as-new-run2', 'pre-patch-continued-as-new-run2', 'scheduled-overdue-digest', 'scheduled-weekly-report', 'plan-deadline-passed', 'follows-plan', 'province-plan');
    for (const path of paths) expect(names.filter((n) => n.includes(path)), path).not.toEqual([]);
    expect(results.map((r) => [r.workflowId, r.error?.message])).toEqual(results.map((r) => [r.workflowId, undefined]));
  });

  it('an incompatible change is caught as non-determinism', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./incompatible/workflows.ts', import.meta.url)),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    const results = await replayAll({ code });
    expect(results.length).toBeGreaterThanOrEqual(4);
    for (const r of results) expect(r.error).toBeInstanceOf(DeterminismViolationError);
  });
});
