import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../clients/paths';
import { roles, type Role } from '../../domain/actors';
import { runSchemathesis, startFuzzApi, type FuzzApi, type FuzzRun } from './harness';

/**
 * schemathesis against the API's own OpenAPI document, as each role, bounded for `make test`:
 * a fixed seed and few examples per operation; any 5xx, answer outside its schema or status list,
 * wrong answer to a method a path does not take, or request over the timeout fails the file.
 * `npm run fuzz` runs the same longer.
 */
let api: FuzzApi;
const REPORTS = join(ROOT, 'test-output', 'fuzz');
const runs = new Map<Role, Promise<FuzzRun>>();

beforeAll(async () => {
  api = await startFuzzApi();
  // Two runs at a time: the admin's coverage phase (every boundary value of every parameter, the
  // long one) beside the other roles' random fuzzing one after another. One worker each: the
  // generator is not safe with threads on Python 3.11.
  const run = (role: Role) => runSchemathesis(api, role, { seed: 15, maxExamples: 5, phases: role === 'admin' ? 'coverage,fuzzing' : 'fuzzing', requestTimeout: 10, workers: 1, reportDir: REPORTS });
  runs.set('admin', run('admin'));
  let chain: Promise<unknown> = Promise.resolve();
  for (const role of roles.filter((r) => r !== 'admin')) {
    const mine = chain.then(() => run(role));
    runs.set(role, mine);
    chain = mine.catch(() => undefined);
  }
}, 120_000);

afterAll(async () => {
  const done = await Promise.all([...runs.values()].map((p) => p.catch(() => undefined)));
  await api?.close();
  const cases = done.filter((r): r is FuzzRun => !!r);
  console.log(`schemathesis (bounded): ${cases.reduce((n, r) => n + r.cases, 0)} cases, ${cases.map((r) => `${r.role} ${r.cases}`).join(', ')}`);
}, 200_000);

describe('schemathesis, bounded', () => {
  for (const role of roles) {
    it(`as ${role}: no 5xx, every answer in its schema and status list, no hang`, async () => {
      const run = await runs.get(role)!;
      expect(run.cases, run.output.slice(-3000)).toBeGreaterThan(0);
      expect(run.failures, run.output.slice(-6000)).toEqual([]);
      expect(run.exitCode, run.output.slice(-6000)).toBe(0);
    }, 200_000);
  }
});
