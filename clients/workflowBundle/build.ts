import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ROOT, WORKFLOW_BUNDLE, WORKFLOWS_PATH } from '../paths';
import { currentBundleInputs } from './inputs';

/**
 * Modules loaded once per worker and shared by every book it runs (the reusable V8 context), instead of
 * instantiated again for each workflow: zod and the pure contracts and domain rules, which hold no
 * per-workflow state. Instantiating them per workflow cost about 1.7 MB and a few ms of CPU per book
 * (bench:scale); the workflows' own modules stay per workflow.
 */
export const SHARED_WORKFLOW_MODULES = [
  'zod',
  ...['contracts/v1/commands', 'contracts/v1/schedules', 'contracts/v1/status', 'contracts/v1/values', 'contracts/v1/workflow'],
  ...['domain/book', 'domain/bookState', 'domain/memo', 'domain/notices', 'domain/plan'],
].map((m) => (m.includes('/') ? join(ROOT, m) : m));

/** Beside the bundle: the hash of the sources it was built from, so a stale bundle is never used. */
const stampOf = (bundle: string) => bundle.replace(/\.js$/, '.inputs.json');

/** Builds the workflow bundle ahead of time, so workers start fast and all tests share one bundle. */
export async function buildWorkflowBundle(out = WORKFLOW_BUNDLE): Promise<string> {
  const { hash } = currentBundleInputs(ROOT);
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger, preloadModules: SHARED_WORKFLOW_MODULES });
  await mkdir(dirname(out), { recursive: true });
  // Written aside then renamed: a worker starting meanwhile reads the old bundle or the new, never half.
  await writeFile(`${out}.${process.pid}.tmp`, code);
  await rename(`${out}.${process.pid}.tmp`, out);
  await writeFile(stampOf(out), JSON.stringify({ hash }));
  return out;
}

/** Whether the bundle was built from the workflow sources as they are now. */
export async function bundleIsCurrent(bundle = WORKFLOW_BUNDLE): Promise<boolean> {
  const saved = await readFile(stampOf(bundle), 'utf8').then((t) => (JSON.parse(t) as { hash?: string }).hash, () => undefined);
  return saved !== undefined && saved === currentBundleInputs(ROOT).hash;
}

/**
 * What a worker runs, as configured: the sources (bundled at start) or the prebuilt bundle, which is
 * rebuilt first when it is missing or was built from other sources than the ones here.
 */
export async function workflowsToRun(mode: 'bundle' | 'source', log: (m: string) => void): Promise<{ bundlePath: string } | { workflowsPath: string }> {
  if (mode === 'source') return { workflowsPath: WORKFLOWS_PATH };
  if (!(await bundleIsCurrent())) {
    log(`workflow bundle ${WORKFLOW_BUNDLE} is missing or older than the sources: rebuilding it`);
    await buildWorkflowBundle();
  }
  return { bundlePath: WORKFLOW_BUNDLE };
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildWorkflowBundle();
  console.log(`workflow bundle: ${out}`);
}
