/**
 * `npm run fuzz`: schemathesis against the API's own OpenAPI document as each role, longer than the
 * bounded run of `make test` (test/fuzz/fuzz.test.ts): every phase for every role, more examples.
 * Usage: npm run fuzz -- [--examples 50] [--seed 1] [--roles admin,clerk] [--max-time 600]
 * Reports (JUnit) in test-output/fuzz-long/; ends with one JSON line; exit 1 on any finding.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../clients/paths';
import { buildWorkflowBundle } from '../clients/workflowBundle/build';
import { roles, type Role } from '../domain/actors';
import { runSchemathesis, startFuzzApi } from '../test/fuzz/harness';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '50' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    roles: { type: 'string', default: roles.join(',') },
    'max-time': { type: 'string' },
  },
});
const chosen = values.roles.split(',') as Role[];
const bad = chosen.filter((r) => !roles.includes(r));
if (bad.length) {
  console.error(`vai trò không có: ${bad.join(', ')} (có: ${roles.join(', ')})`);
  process.exit(2);
}

await buildWorkflowBundle();
const api = await startFuzzApi();
const reportDir = join(ROOT, 'test-output', 'fuzz-long');
const rows: Array<{ role: Role; cases: number; findings: number; seconds: number }> = [];
let findings: string[] = [];
try {
  for (const role of chosen) {
    const run = await runSchemathesis(api, role, {
      seed: Number(values.seed),
      maxExamples: Number(values.examples),
      phases: 'examples,coverage,fuzzing,stateful',
      requestTimeout: 15,
      workers: 1,
      reportDir,
      ...(values['max-time'] ? { maxTime: Number(values['max-time']) } : {}),
    });
    const mine = run.failures.map((f) => `${role}: ${f}`);
    // A run that failed without a finding in its report (a crash, a network error) counts as one.
    if (run.exitCode !== 0 && !mine.length) mine.push(`${role}: schemathesis exit ${run.exitCode}\n${run.output.slice(-2000)}`);
    rows.push({ role, cases: run.cases, findings: mine.length, seconds: Math.round(run.ms / 1000) });
    findings = [...findings, ...mine];
    console.log(`${role.padEnd(11)} ${String(run.cases).padStart(7)} cases  ${String(mine.length).padStart(3)} findings  ${Math.round(run.ms / 1000)} s`);
  }
} finally {
  await api.close();
}
for (const f of findings) console.log(`- ${f}`);
console.log(`reports: ${reportDir}`);
console.log(JSON.stringify({ fuzz: 'schemathesis', seed: Number(values.seed), examples: Number(values.examples), cases: rows.reduce((n, r) => n + r.cases, 0), findings: findings.length, roles: rows }));
process.exit(findings.length ? 1 : 0);
