import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from './report';
import { runChaos, type ChaosPlan, type ChaosReport } from './run';
import { startStack, type Stack } from './stack';

/**
 * Faults on purpose, about four minutes: 32 books driven through the API while the worker is
 * killed with SIGKILL mid-packaging and mid-validation until ten attempts were cut short, the
 * Temporal server restarts under requests, MinIO is down for 30 s, the notice outbox and the
 * national endpoint fail. Half the time is the last killed attempt's heartbeat timeout (2 min):
 * the run waits for its retry.
 */
const PLAN: ChaosPlan = {
  books: 32,
  startsOverMs: 40_000,
  kills: 10,
  killsFromMs: 30_000,
  killsWithinMs: 150_000,
  killGapMs: [0, 500],
  killAnywayAfterMs: 0,
  serverRestartAfterKill: 3,
  // MinIO goes down after the kills, and a new worker is started while it is down.
  minioOutageMs: 30_000,
  outboxOutageMs: 25_000,
  nationalOutageMs: 20_000,
  settleWithinMs: 330_000,
};

describe('faults on purpose: 32 books on the dev server, MinIO and the http gateway', () => {
  let stack: Stack | undefined;
  let r: ChaosReport;
  beforeAll(async () => {
    stack = await startStack();
    r = await runChaos(stack, PLAN, (line) => console.log(`[chaos] ${line}`));
    console.log(formatReport(r));
  }, 420_000);
  afterAll(() => stack?.stop(), 60_000);

  it('every book ends where its actions lead: done, withdrawn, or waiting at its step', () => {
    const wrong = r.checks.verdicts.filter((v) => v.actual !== v.expected).map((v) => `${v.id} (${v.story}): ${v.actual}, expected ${v.expected}`);
    expect(wrong).toEqual([]);
    expect(r.checks.stuck).toEqual([]);
  });

  it('every update the API answered 200 for is in its book’s status and history', () => {
    expect(r.checks.lost).toEqual([]);
  });

  it('no artifact is half-written: every manifest and checksum file passes sha256sum -c, every zip unzip -t, every PDF qpdf --check', () => {
    expect(r.checks.artifacts.problems).toEqual([]);
    // Every book that got its scans approved has its package (withdrawn ones may have one too).
    expect(r.checks.artifacts.manifests).toBeGreaterThanOrEqual(r.books.filter((b) => !b.story.startsWith('withdraw')).length);
  });

  it('the national endpoint holds exactly one accepted import per book that reached import, none for the others', () => {
    const wrongImports = r.checks.verdicts.flatMap((v) => v.wrong.filter((w) => /import/.test(w)).map((w) => `${v.id}: ${w}`));
    expect(wrongImports).toEqual([]);
    expect(r.checks.duplicateImports).toBe(0);
  });

  it('every fault reached the clients as 503 or 504 with a message, never as an unexplained 500', () => {
    expect(r.internalErrors).toEqual([]);
  });

  it('no workflow run failed, was terminated or timed out', () => {
    expect(r.checks.failedRuns).toEqual([]);
  });

  it('every book not withdrawn got its deadline reminder once the outbox was back', () => {
    expect(r.checks.missingNotices).toEqual([]);
  });

  it('the faults happened as planned: 10+ kills that cut packaging or validation short, a restart under requests, the outages', () => {
    const cut = r.kills.filter((k) => k.cutShort && k.confirmed).map((k) => k.during);
    expect(cut.length).toBeGreaterThanOrEqual(10);
    expect(cut).toContain('packageScans');
    expect(cut).toContain('validateExcel');
    expect(r.outages.map((o) => o.what).sort()).toEqual(
      ['minio down', 'national 5xx', 'national accepts, answers late', 'outbox failing', 'temporal restart'].sort(),
    );
    // Each caught something: requests in flight, a packaging, due reminders, posts, held imports.
    expect(r.outages.filter((o) => o.hits === 0).map((o) => o.what)).toEqual([]);
    // The worker only ever stopped because we killed it, and it starts while MinIO is down.
    expect(r.crashes).toEqual([]);
    expect(r.restartedWhileStoreDown).toBe(true);
  });
});
