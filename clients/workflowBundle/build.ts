import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ROOT, WORKFLOW_BUNDLE, WORKFLOW_PRELOAD, WORKFLOWS_PATH } from '../paths';
import { currentBundleInputs } from './inputs';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/**
 * The project's TypeScript compiled for the Node that runs the worker: the SDK's default target
 * (es2017) turns object spread and optional chaining into helper calls on every book's hot path.
 */
function nativeSyntax(config: WebpackConfig): WebpackConfig {
  for (const rule of config.module?.rules ?? []) {
    const use = rule && typeof rule === 'object' ? rule.use : undefined;
    if (use && typeof use === 'object' && !Array.isArray(use) && String(use.loader).includes('swc-loader')) {
      const options = use.options as { jsc?: { target?: string } };
      if (options.jsc) options.jsc.target = 'es2022';
    }
  }
  return config;
}

/** How the workflows are bundled, prebuilt or at a worker's start. */
export const bundlerOptions = { preloadModules: [WORKFLOW_PRELOAD], webpackConfigHook: nativeSyntax };

/** Beside the bundle: the hash of the sources it was built from, so a stale bundle is never used. */
const stampOf = (bundle: string) => bundle.replace(/\.js$/, '.inputs.json');

/** Builds the workflow bundle ahead of time, so workers start fast and all tests share one bundle. */
export async function buildWorkflowBundle(out = WORKFLOW_BUNDLE): Promise<string> {
  const { hash } = currentBundleInputs(ROOT);
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...bundlerOptions, logger: quietLogger });
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
