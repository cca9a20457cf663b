/**
 * replay:mutations — how many unsafe, unpatched workflow changes the saved histories catch. Each
 * mutation of test/replay/mutations.ts is applied alone to a copy of the workflow bundle's sources,
 * bundled, and replayed against every saved history; it is caught when at least one history fails
 * (DeterminismViolationError or ReplayError). The unmutated copy must replay every history first.
 * Prints a table, then one JSON line: ratio = caught ÷ total (1 = every mutation caught).
 *   npm run replay:mutations
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { performance } from 'node:perf_hooks';
import { bundleInputFiles } from '../clients/workflowBundle/inputs';
import { ROOT } from '../clients/paths';
import { createSourceCopy, type ReplayFailure } from '../scripts/lib/replayMutations';
import { mutations } from '../test/replay/mutations';
import { savedHistories } from '../test/replay/savedHistories';

// Core warns about every failing replay task; here failing is the expected outcome.
Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
const short = (workflowId: string) => workflowId.replace(/\.json$/, '');
const failedHistories = (failures: ReplayFailure[]) =>
  (['nondeterminism', 'replay'] as const)
    .map((kind) => [kind, failures.filter((f) => f.kind === kind).map((f) => short(f.workflowId))] as const)
    .filter(([, ids]) => ids.length)
    .map(([kind, ids]) => `${kind}: ${ids.join(', ')}`)
    .join('; ');

/** The SDK wraps core's reason ("[TMPRL1100] Nondeterminism error: …") in a long preamble. */
const coreReason = (message: string) => (/message: "([^"]+)"/.exec(message)?.[1] ?? message).slice(0, 200);

const histories = await savedHistories();
const copy = await createSourceCopy(ROOT, bundleInputFiles(ROOT));
try {
  for (const m of mutations) await copy.check(m);
  let t0 = performance.now();
  const baseline = await copy.replay(histories);
  if (baseline.length) {
    throw new Error(`the unmutated copy does not replay every history, so no mutation can be judged: ${failedHistories(baseline)}\n${baseline[0]!.message}`);
  }
  console.log(`${histories.length} histories replay cleanly with the unmutated copy (${seconds(t0)} s)\n`);

  const width = Math.max(...mutations.map((m) => m.name.length));
  console.log(`${'mutation'.padEnd(width)}  caught  ${'s'.padStart(5)}  by`);
  const why: string[] = [];
  let caught = 0;
  for (const m of mutations) {
    t0 = performance.now();
    const failures = await copy.replay(histories, m);
    if (failures.length) {
      caught++;
      why.push(`${m.name}: ${coreReason(failures[0]!.message)}`);
    }
    console.log(`${m.name.padEnd(width)}  ${(failures.length ? 'yes' : 'NO').padEnd(6)}  ${seconds(t0).padStart(5)}  ${failedHistories(failures) || '-'}`);
  }
  if (why.length) console.log(`\nfirst failure of each caught mutation:\n${why.map((w) => `  ${w}`).join('\n')}`);
  const total = mutations.length;
  console.log(JSON.stringify({ bench: 'replayMutations', caught, total, ratio: +(caught / total).toFixed(3) }));
} finally {
  await copy.remove();
}
