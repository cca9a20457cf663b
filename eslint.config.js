// Typed lint of the TypeScript that tsconfig.json compiles: promises nobody handles, switches that
// miss a case, thrown non-errors, and the layer boundaries of issue 11 (layers only point down).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const LAYERS = ['contracts', 'clients', 'domain', 'workflows', 'activities', 'workers', 'api', 'web', 'test', 'bench', 'scripts'];
const NOT_PRODUCT = ['test', 'bench', 'scripts'];
const except = (...keep) => LAYERS.filter((l) => !keep.includes(l));

// A relative specifier that climbs (`../`) into one of these top-level folders. Only test/ (no rule)
// has subfolders named after layers, so the first folder after the climb is the layer. `api` needs
// the slash: the API layer has no index file, and `../api` alone is the dashboard's own web/src/api.ts.
const climbInto = (folders) => `^(\\.\\./)+(${folders.map((f) => (f === 'api' ? 'api/' : `${f}(/|$)`)).join('|')})`;
// Any package or Node built-in (`node:fs`, `fs`, `@temporalio/client`, …) outside the allowed ones.
const packageOutside = (allowed) => `^(?![./])(?!(${allowed.join('|')})(/|$))`;

/**
 * One layer's import rule (a file is in exactly one layer, so its rule is not overridden by another).
 * deny: folders it may not import; typeOnly: folders it may import types from only;
 * packages: the only packages it may import (absent: any).
 */
function layer(folder, rule, { deny, typeOnly = [], packages }) {
  const pattern = (regex, extra = {}) => ({ regex, caseSensitive: true, message: rule, ...extra });
  const patterns = [];
  if (deny.length) patterns.push(pattern(climbInto(deny)));
  if (typeOnly.length) patterns.push(pattern(climbInto(typeOnly), { allowTypeImports: true }));
  if (packages) patterns.push(pattern(packageOutside(packages)));
  return {
    name: `sohoa/layer/${folder}`,
    files: [`${folder}/**/*.{ts,tsx}`],
    // The TS version of the core rule: same options plus allowTypeImports.
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
}

export default defineConfig(
  // Only TypeScript is linted: the .mjs entry scripts and the built bundles are outside tsconfig.json.
  { ignores: ['**/*.{js,mjs,cjs}'] },
  {
    name: 'sohoa/typed',
    files: ['{contracts,clients,domain,workflows,activities,workers,api,test,bench,scripts}/**/*.{ts,tsx}', 'web/src/**/*.{ts,tsx}'],
    plugins: { '@typescript-eslint': tseslint.plugin },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Includes async JSX handlers: a rejection there is lost unless the handler catches it.
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Failures carry a typed error (contracts/v1/errors), never a string or a plain object.
      '@typescript-eslint/only-throw-error': 'error',
      // A `default: x satisfies never` guard is exhaustive too; the rule then asks for no extra cases.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },

  // Layers, bottom to top (README, Layout).
  layer('contracts', 'contracts/ imports only zod and its own files.', { deny: except('contracts'), packages: ['zod'] }),
  layer('domain', 'domain/ is pure rules: it imports only contracts/, its own files and zod (no Temporal SDK, no Node I/O).', {
    deny: except('contracts', 'domain'),
    packages: ['zod'],
  }),
  layer('workflows', 'workflows/ is deterministic: it imports only contracts/, domain/, its own files, @temporalio/workflow and @temporalio/common (types only from activities/).', {
    deny: except('contracts', 'domain', 'workflows', 'activities'),
    typeOnly: ['activities'],
    packages: ['@temporalio/workflow', '@temporalio/common'],
  }),
  layer('web/src', 'web/ imports only contracts/ and its own code.', { deny: except('contracts', 'web') }),
  ...['activities', 'clients'].map((l) =>
    layer(l, `${l}/ never imports api/, workers/, web/, scripts/, bench/ or test/.`, { deny: ['api', 'workers', 'web', ...NOT_PRODUCT] }),
  ),
  layer('api', 'api/ never imports workers/, web/, scripts/, bench/ or test/.', { deny: ['workers', 'web', ...NOT_PRODUCT] }),
  layer('workers', 'workers/ never imports api/, web/, scripts/, bench/ or test/.', { deny: ['api', 'web', ...NOT_PRODUCT] }),
);
