import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildWorkflowBundle, bundleIsCurrent } from '../../clients/workflowBundle/build';

const dir = await mkdtemp(join(tmpdir(), 'sohoa-bundle-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

it('a bundle built from other sources than the ones here is not current; a fresh build is', async () => {
  const bundle = join(dir, 'workflow-bundle.js');
  expect(await bundleIsCurrent(bundle)).toBe(false); // none yet
  await writeFile(bundle, '// an old build');
  await writeFile(join(dir, 'workflow-bundle.inputs.json'), JSON.stringify({ hash: '0'.repeat(64) }));
  expect(await bundleIsCurrent(bundle)).toBe(false);
  await buildWorkflowBundle(bundle);
  expect(await bundleIsCurrent(bundle)).toBe(true);
});
