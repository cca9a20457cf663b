import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WORKFLOW_ENTRY } from '../../clients/workflowBundle/inputs';

/** An unsafe, unpatched change to one bundled file: `find` (present exactly once) becomes `replace`. */
export interface Mutation {
  name: string;
  /** Relative to the repository root, e.g. `workflows/automation.ts`. */
  file: string;
  find: string;
  replace: string;
}

export interface SavedHistory {
  workflowId: string;
  history: unknown;
}

/** A history that no longer replays: `nondeterminism` (DeterminismViolationError) or `replay` (ReplayError). */
export interface ReplayFailure {
  workflowId: string;
  kind: 'nondeterminism' | 'replay';
  message: string;
}

/** A stale mutation must stop the run: found zero or two times, it would count as missed or caught for nothing. */
export function applyMutation(source: string, m: Mutation): string {
  const count = source.split(m.find).length - 1;
  if (count !== 1) throw new Error(`mutation '${m.name}': its find text occurs ${count} times in ${m.file} (must be once); re-target it`);
  return source.replace(m.find, () => m.replace);
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

/**
 * A copy of the bundle's input files in a temporary directory, keeping their layout, to bundle and
 * replay with one mutation at a time. Packages resolve through a `node_modules` link to the repository's.
 */
export async function createSourceCopy(root: string, files: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-replay-mutations-'));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const f of files) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await copyFile(join(root, f), join(dir, f));
  }

  /** The mutated text of its file; throws if the mutation is stale or its file is not bundled. */
  async function mutatedText(m: Mutation): Promise<string> {
    if (!files.includes(m.file)) throw new Error(`mutation '${m.name}': ${m.file} is not bundled into the workflow`);
    return applyMutation(await readFile(join(dir, m.file), 'utf8'), m);
  }

  /** Writes the mutated file; returns how to put the original back. */
  async function mutate(m: Mutation): Promise<() => Promise<void>> {
    const path = join(dir, m.file);
    const original = await readFile(path, 'utf8');
    await writeFile(path, await mutatedText(m));
    return () => writeFile(path, original);
  }

  /** Bundles the copy, with `mutation` applied if given, and replays every history. */
  async function replay(histories: SavedHistory[], mutation?: Mutation): Promise<ReplayFailure[]> {
    const restore = mutation ? await mutate(mutation) : async () => {};
    try {
      const { code } = await bundleWorkflowCode({
        workflowsPath: join(dir, WORKFLOW_ENTRY),
        logger: quietLogger,
        // The worker needs an inline source map; the cheap one bundles in about half the time.
        webpackConfigHook: (config) => ({ ...config, devtool: 'inline-cheap-source-map' }),
      });
      const failures: ReplayFailure[] = [];
      for await (const r of Worker.runReplayHistories({ workflowBundle: { code } }, histories)) {
        if (!r.error) continue;
        const kind = r.error instanceof DeterminismViolationError ? 'nondeterminism' : 'replay';
        failures.push({ workflowId: r.workflowId, kind, message: r.error.message });
      }
      return failures;
    } finally {
      await restore();
    }
  }

  return {
    /** Fails at once on a stale mutation, before minutes are spent bundling the others. */
    async check(m: Mutation): Promise<void> {
      await mutatedText(m);
    },
    replay,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
