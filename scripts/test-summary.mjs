#!/usr/bin/env node
// Prints vitest's totals as one plain line ("tests: N passed, N failed") for CI logs.
import { readFileSync } from 'node:fs';

const r = JSON.parse(readFileSync(process.argv[2] ?? 'test-output/vitest.json', 'utf8'));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.numFailedTests === 0 && r.numTotalTests > 0 ? 0 : 1);
