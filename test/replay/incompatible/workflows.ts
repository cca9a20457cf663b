import { sleep } from '@temporalio/workflow';
import { registerDigitization as current } from '../../../workflows/registerDigitization';
import type { WorkflowInputV1 as WorkflowInput } from '../../../contracts/v1';

/** A careless change: a new timer before the first step, not gated by patched(). Replay must catch it. */
export async function registerDigitization(input: WorkflowInput) {
  await sleep('1 minute');
  return current(input);
}
