import type { HistoryAndWorkflowId } from '@temporalio/client';
import { Worker } from '@temporalio/worker';

export interface ReplayOutcome {
  id: string;
  runId: string;
  result: 'ok' | 'nonDeterministic' | 'error';
  error?: string;
}

/**
 * Replays histories with a workflow bundle (the current code): a history the code cannot
 * reproduce is reported with the non-determinism found, instead of failing the whole run.
 */
export async function replayHistories(bundlePath: string, histories: AsyncIterable<HistoryAndWorkflowId> | Iterable<HistoryAndWorkflowId>): Promise<ReplayOutcome[]> {
  const out: ReplayOutcome[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath }, replayName: 'sohoa-audit' }, histories)) {
    if (!r.error) out.push({ id: r.workflowId, runId: r.runId, result: 'ok' });
    else {
      const nd = r.error.name === 'DeterminismViolationError' || /nondetermin|determinism/i.test(r.error.message);
      out.push({ id: r.workflowId, runId: r.runId, result: nd ? 'nonDeterministic' : 'error', error: r.error.message });
    }
  }
  return out;
}
