#!/usr/bin/env node
// Prints vitest's totals as one plain line ("tests: N passed, N failed") for CI logs; several
// result files (make test, then make test-cluster) are added up into one line.
import { readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['test-output/vitest.json'];
const t = { passed: 0, failed: 0, skipped: 0, total: 0 };
for (const f of files) {
  const r = JSON.parse(readFileSync(f, 'utf8'));
  t.passed += r.numPassedTests;
  t.failed += r.numFailedTests;
  t.skipped += r.numPendingTests + r.numTodoTests;
  t.total += r.numTotalTests;
}
console.log(`tests: ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`);
process.exit(t.failed === 0 && t.total > 0 ? 0 : 1);
