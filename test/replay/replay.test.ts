import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_BUNDLE } from '../../scripts/lib/paths';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));

async function savedHistories() {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => ({ workflowId: f, history: JSON.parse(await readFile(dir + f, 'utf8')) })));
}

async function replayAll(workflowBundle: { codePath: string } | { code: string }): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle }, await savedHistories())) results.push(r);
  return results;
}

describe('saved histories replay with the current workflow code', () => {
  it('completed, rejected, withdrawn and overdue books of every saved version replay', async () => {
    const results = await replayAll({ codePath: WORKFLOW_BUNDLE });
    const names = results.map((r) => r.workflowId);
    for (const kind of ['completed', 'rejected', 'withdrawn', 'overdue']) expect(names.some((n) => n.includes(kind))).toBe(true);
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
