import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WORKFLOW_BUNDLE, WORKFLOWS_PATH } from './lib/paths';

/** Builds the workflow bundle ahead of time, so workers start fast and all tests share one bundle. */
export async function buildWorkflowBundle(out = WORKFLOW_BUNDLE): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, code);
  return out;
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildWorkflowBundle();
  console.log(`workflow bundle: ${out}`);
}
