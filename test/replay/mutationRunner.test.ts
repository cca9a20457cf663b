import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleInputFiles } from '../../clients/workflowBundle/inputs';
import { ROOT } from '../../clients/paths';
import { applyMutation, createSourceCopy, type Mutation, type SavedHistory } from '../../scripts/lib/replayMutations';
import { mutations } from './mutations';
import { savedHistories } from './savedHistories';

const stale: Mutation = { name: 'stale', file: 'workflows/index.ts', find: 'text that is not there', replace: '' };
const commentOnly: Mutation = {
  name: 'a comment added',
  file: 'workflows/index.ts',
  find: "export { registerDigitization } from './registerDigitization';",
  replace: "// A comment changes no command.\nexport { registerDigitization } from './registerDigitization';",
};

describe('replay:mutations runner (the full list runs with `npm run replay:mutations`)', () => {
  it('every mutation of the list still applies once to the current sources (re-target them when the workflow changes)', () => {
    const bundled = bundleInputFiles(ROOT);
    for (const m of mutations) {
      expect(bundled, m.name).toContain(m.file);
      expect(() => applyMutation(readFileSync(join(ROOT, m.file), 'utf8'), m), m.name).not.toThrow();
    }
  });

  it('a mutation whose text is missing or repeated stops the run instead of counting as caught or missed', () => {
    expect(() => applyMutation('a b', stale)).toThrow("mutation 'stale': its find text occurs 0 times in workflows/index.ts");
    expect(() => applyMutation('x x', { ...stale, find: 'x' })).toThrow('occurs 2 times');
  });

  describe('on a copy of the bundled sources', () => {
    let copy: Awaited<ReturnType<typeof createSourceCopy>>;
    let histories: SavedHistory[];
    beforeAll(async () => {
      copy = await createSourceCopy(ROOT, bundleInputFiles(ROOT));
      histories = await savedHistories();
    });
    afterAll(() => copy?.remove());

    it('refuses a mutation of a file that is not bundled', async () => {
      await expect(copy.check({ ...commentOnly, file: 'activities/types.ts' })).rejects.toThrow('is not bundled into the workflow');
    });

    it('a comment changes nothing that replay sees: every history replays', async () => {
      expect(await copy.replay(histories, commentOnly)).toEqual([]);
    }, 120_000);

    it('an unpatched extra activity before packaging is caught as non-determinism on a book that was packaged', async () => {
      const extraActivity = mutations.find((m) => m.name === 'extra activity before packaging')!;
      const failures = await copy.replay(histories, extraActivity);
      expect(failures.map((f) => f.workflowId)).toContain('completed-excel.v2.json');
      expect(new Set(failures.map((f) => f.kind))).toEqual(new Set(['nondeterminism']));
    }, 120_000);
  });
});
