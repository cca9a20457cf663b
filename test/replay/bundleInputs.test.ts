import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleInputFiles, hashFiles } from '../../clients/workflowBundle/inputs';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sohoa-bundle-inputs-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const sample = {
  'workflows/index.ts': "export { flow } from './flow';\nexport type { Shape } from '../domain/shapes';\n",
  'workflows/flow.ts': [
    "import { proxyActivities } from '@temporalio/workflow';",
    "import type { Activities } from '../activities/types';",
    "import { rules, type Rule } from '../domain/rules';",
    "import { type Status } from '../domain/status';",
    "import '../domain/setup';",
    "export * from './helpers';",
    'export async function flow() { return (await import("../domain/lazy")).lazy; }',
  ].join('\n'),
  'workflows/helpers/index.ts': "export const helper = 1;\n",
  'domain/rules.ts': "import { shared } from './shared';\nexport type Rule = string;\nexport const rules = [shared];\n",
  'domain/shared.ts': "import { rules } from './rules';\nexport const shared = 'cycle';\n",
  'domain/setup.ts': '',
  'domain/lazy.ts': 'export const lazy = 1;\n',
  'domain/shapes.ts': 'export interface Shape {}\n',
  'domain/status.ts': 'export type Status = string;\n',
  'activities/types.ts': 'export type Activities = {};\n',
  'domain/unused.ts': 'export const unused = 1;\n',
};

describe('bundle inputs: the files the workflow bundle is built from', () => {
  it('follows runtime imports, re-exports, side-effect imports and import(), through cycles and index files', () => {
    expect(bundleInputFiles(tree(sample))).toEqual([
      'domain/lazy.ts',
      'domain/rules.ts',
      'domain/setup.ts',
      'domain/shared.ts',
      'workflows/flow.ts',
      'workflows/helpers/index.ts',
      'workflows/index.ts',
    ]);
  });

  it('skips `import type`, `import { type X }` and `export type`, which are erased before bundling', () => {
    const files = bundleInputFiles(tree(sample));
    expect(files).not.toContain('domain/status.ts');
    expect(files).not.toContain('activities/types.ts');
    expect(files).not.toContain('domain/shapes.ts');
  });

  it('stops on a relative import it cannot resolve, rather than leave a file out of the hash', () => {
    const root = tree({ 'workflows/index.ts': "import { x } from './missing';\n" });
    expect(() => bundleInputFiles(root)).toThrow(/cannot resolve '\.\/missing'/);
  });

  it('the hash follows every bundled file’s content and name, and nothing outside the bundle', () => {
    const hash = (files: Record<string, string>) => {
      const root = tree(files);
      return hashFiles(root, bundleInputFiles(root));
    };
    const before = hash(sample);
    expect(hash({ ...sample, 'domain/unused.ts': 'export const unused = 2;\n', 'activities/types.ts': 'export type Activities = { a(): void };\n' })).toBe(before);
    expect(hash({ ...sample, 'domain/shared.ts': "import { rules } from './rules';\nexport const shared = 'edited';\n" })).not.toBe(before);
    const { 'domain/setup.ts': setup, ...rest } = sample;
    const renamed = { ...rest, 'domain/init.ts': setup, 'workflows/flow.ts': sample['workflows/flow.ts'].replace('../domain/setup', '../domain/init') };
    expect(hash(renamed)).not.toBe(before);
  });
});
