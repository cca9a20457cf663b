import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bundleInputFiles, currentBundleInputs } from '../../clients/workflowBundle/inputs';
import { ROOT, WORKFLOW_BUNDLE } from '../../clients/paths';
import { newestFixtureVersion, readSavedBundleInputs } from './savedBundleInputs';

/** What a developer who changed the bundled sources must do before this guard passes again. */
function howToFix(savedVersion: string, added: string[], removed: string[]): string {
  const next = `v${Number(savedVersion.slice(1)) + 1}`;
  const listed = [added.length && `added ${added.join(', ')}`, removed.length && `removed ${removed.join(', ')}`].filter(Boolean);
  return [
    `The workflow bundle's sources changed since the ${savedVersion} fixtures were recorded${listed.length ? ` (${listed.join('; ')})` : ''}.`,
    'Books already running replay their history against the new code, so:',
    "  1. gate every change in what the workflow does (activities, timers, notices, patches, their order) with patched('<name>');",
    `  2. record new fixtures with \`npx tsx test/replay/record.ts ${next}\` (it also rewrites test/replay/histories/bundle-inputs.json);`,
    '  3. keep every older fixture: replay.test.ts proves the new code still replays them',
  ].join('\n');
}

describe('replay guard: the bundled workflow sources move only with a new fixture version', () => {
  it('the saved bundle inputs belong to the newest fixture version', async () => {
    const saved = await readSavedBundleInputs();
    expect(saved.version, 'bundle-inputs.json must be written by record.ts for the newest fixtures').toBe(`v${await newestFixtureVersion()}`);
  });

  it('the workflow sources are those the newest fixtures were recorded with', async () => {
    const saved = await readSavedBundleInputs();
    const current = currentBundleInputs(ROOT);
    const added = current.files.filter((f) => !saved.files.includes(f));
    const removed = saved.files.filter((f) => !current.files.includes(f));
    expect(current.hash, howToFix(saved.version, added, removed)).toBe(saved.hash);
  });

  it('the hashed files are exactly the project files webpack put into the workflow bundle', async () => {
    // globalSetup builds the bundle from the repository root, so its module ids are "./<path>".
    const bundle = await readFile(WORKFLOW_BUNDLE, 'utf8');
    const bundled = new Set([...bundle.matchAll(/"\.\/([\w./-]+\.ts)"/g)].map((m) => m[1]!).filter((p) => !p.startsWith('node_modules/')));
    expect(bundleInputFiles(ROOT)).toEqual([...bundled].sort());
  });
});
