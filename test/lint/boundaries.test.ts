import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../clients/paths';

// The real eslint.config.js on in-memory files placed in each layer. Only the boundary rule runs and
// without type information (it needs none), so this takes a second, not the minute of `npm run lint`.
const RULE = '@typescript-eslint/no-restricted-imports';
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === RULE,
});

async function lint(path: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result!.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

// [file, one import that crosses a boundary]
const refused: [string, string][] = [
  ['contracts/v1/x.ts', "import { planFor } from '../../domain/plan';"],
  ['contracts/v1/x.ts', "import { Client } from '@temporalio/client';"],
  ['domain/x.ts', "import { readFile } from 'node:fs/promises';"],
  ['domain/x.ts', "import { spawn } from 'child_process';"],
  ['domain/x.ts', "import { defineQuery } from '@temporalio/workflow';"],
  ['domain/excel/x.ts', "import { ROOT } from '../../clients/paths';"],
  ['domain/x.ts', "import { createActivities } from '../activities';"],
  ['workflows/x.ts', "import { createActivities } from '../activities';"],
  ['workflows/x.ts', "import { ROOT } from '../clients/paths';"],
  ['workflows/x.ts', "import { Client } from '@temporalio/client';"],
  ['workflows/x.ts', "import { request } from 'node:http';"],
  ['web/src/components/x.tsx', "import { planFor } from '../../../domain/plan';"],
  ['web/src/x.ts', "import type { ApiError } from '../../api/errors';"],
  ['activities/scans/x.ts', "export { ApiError } from '../../api/errors';"],
  ['activities/x.ts', "import { run } from '../bench/packaging';"],
  ['clients/x.ts', "import { deps } from '../workers/deps';"],
  ['clients/temporal/x.ts', "import { book } from '../../test/support/fixtures';"],
  ['api/routes/x.ts', "import { deps } from '../../workers/deps';"],
  ['api/x.ts', "import { loadDemo } from '../scripts/lib/demo';"],
  ['workers/x.ts', "import { buildApp } from '../api/app';"],
  ['workers/x.ts', "import { App } from '../web/src/App';"],
];

// [file, imports its layer may make]
const allowed: [string, string][] = [
  ['contracts/v1/x.ts', "import { z } from 'zod';\nimport { bookSchema } from './values';"],
  ['domain/state/x.ts', "import { z } from 'zod';\nimport type { BookStatusV1 } from '../../contracts/v1';\nimport { planFor } from '../plan';"],
  [
    'workflows/x.ts',
    [
      "import type { Activities } from '../activities/types';",
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { ApplicationFailure } from '@temporalio/common';",
      "import { planFor } from '../domain/plan';",
      "import { commandSchema } from '../contracts/v1';",
    ].join('\n'),
  ],
  // web/src/api.ts is the dashboard's own module, not the API layer.
  ['web/src/components/x.tsx', "import { get } from '../api';\nimport type { BookStatusV1 } from '../../../contracts/v1';\nimport { h } from 'preact';"],
  ['api/routes/x.ts', "import { createActivities } from '../../activities';\nimport { ROOT } from '../../clients/paths';\nimport { webRoutes } from './web';"],
  ['workers/x.ts', "import { createActivities } from '../activities';\nimport { registerDigitization } from '../workflows';"],
  ['bench/x.ts', "import { book } from '../test/support/fixtures';\nimport { mutate } from '../scripts/lib/replayMutations';"],
  ['test/x.ts', "import { buildApp } from '../api/app';\nimport { deps } from '../workers/deps';"],
];

describe('import boundaries (eslint.config.js)', () => {
  it.each(refused)('%s: %s is refused', async (path, code) => {
    const messages = await lint(path, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(RULE);
  });

  it.each(allowed)('%s may import what its layer allows', async (path, code) => {
    expect(await lint(path, code)).toEqual([]);
  });
});
