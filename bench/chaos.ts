/**
 * npm run chaos — the soak: CHAOS_BOOKS books (200) started over CHAOS_MINUTES minutes (10) while the
 * worker is killed with SIGKILL at random moments (often mid-packaging or mid-validation), the
 * Temporal server restarts once, MinIO goes down for 30 s, the outbox and the national endpoint fail
 * for a while; then the manager's checks of test/chaos (same code as the test). Prints a table and
 * ends with one JSON line; exits 1 when any book ended wrong.
 */
import { buildWorkflowBundle } from '../clients/workflowBundle/build';
import { formatReport, summaryLine } from '../test/chaos/report';
import { runChaos, type ChaosPlan } from '../test/chaos/run';
import { startStack } from '../test/chaos/stack';

const books = Number(process.env.CHAOS_BOOKS ?? 200);
const minutes = Number(process.env.CHAOS_MINUTES ?? 10);
if (!(books > 0 && minutes > 0)) throw new Error('CHAOS_BOOKS and CHAOS_MINUTES must be positive numbers');
const window = minutes * 60_000;

const plan: ChaosPlan = {
  books,
  startsOverMs: window * 0.8,
  kills: Number.MAX_SAFE_INTEGER,
  killsFromMs: 0,
  killsWithinMs: window,
  killGapMs: [10_000, 40_000],
  killAnywayAfterMs: 10_000,
  serverRestartAfterKill: 3,
  minioOutageAtMs: window * 0.5,
  minioOutageMs: 30_000,
  outboxOutageMs: 25_000,
  nationalOutageMs: 20_000,
  // A kill costs an activity its heartbeat timeout (2 min); failing rounds pause up to minutes more.
  settleWithinMs: window + 10 * 60_000,
};

await buildWorkflowBundle();
const log = (line: string) => console.log(`[chaos] ${line}`);
log(`${books} books over ${minutes} min, random worker kills meanwhile`);
const stack = await startStack();
const stopAndExit = () => void stack.stop().finally(() => process.exit(130));
process.once('SIGINT', stopAndExit);
process.once('SIGTERM', stopAndExit);
try {
  const report = await runChaos(stack, plan, log);
  console.log(`\n${formatReport(report)}\n`);
  console.log(summaryLine(report));
  if (report.correct !== report.books.length) process.exitCode = 1;
} finally {
  await stack.stop();
}
