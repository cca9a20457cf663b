import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from './api';
import { chaosBooks, type ChaosBook } from './books';
import { check, type Checks } from './checks';
import { Driver } from './driver';
import { Faults, type Busy, type Kill, type Outage } from './faults';
import type { Stack } from './stack';
import { Watcher } from './watcher';
import { ROOT } from '../../clients/paths';
import type { WorkerCrash } from '../support/workerProcess';

/** Where the histories of books that ended wrong are saved, to replay them (`Worker.runReplayHistory`). */
export const HISTORIES_DIR = join(ROOT, 'test-output', 'chaos');

export interface ChaosPlan {
  books: number;
  /** Book starts are spread evenly over this long. */
  startsOverMs: number;
  /**
   * Worker kills until this many cut an activity short, within `killsWithinMs` of the start,
   * `killGapMs` apart (random in the range). They begin once the national endpoint took the two
   * imports it answers late and refuses posts (so that its faults hit imports and overlap the kills),
   * at the latest at `killsFromMs`.
   */
  kills: number;
  killsFromMs: number;
  killsWithinMs: number;
  killGapMs: [number, number];
  /** 0: kill only mid-packaging or mid-validation; else kill anyway when nothing ran for this long (random kills). */
  killAnywayAfterMs: number;
  /** The Temporal server restarts after this kill (1 = the first), once the worker is back, under people's requests. */
  serverRestartAfterKill: number;
  /** MinIO goes down once a packaging runs, from this time on (ms after the start), or right after the kills. */
  minioOutageAtMs?: number;
  minioOutageMs: number;
  /** The outbox fails from the start for this long, while every book's first reminder falls due. */
  outboxOutageMs: number;
  /** The national endpoint answers 503 to everyone for this long (after its two late answers, from the first post refused). */
  nationalOutageMs: number;
  /** Every book must be where its story leads by then: a book still elsewhere is stuck. */
  settleWithinMs: number;
}

export interface ChaosReport {
  plan: ChaosPlan;
  books: ChaosBook[];
  kills: Kill[];
  outages: Outage[];
  /** Workers that died by themselves, and why new ones failed to start. */
  crashes: WorkerCrash[];
  failedStarts: string[];
  /** A worker started while MinIO was down. */
  restartedWhileStoreDown: boolean;
  checks: Checks;
  /** Updates the API answered 200 for (each checked in status and history). */
  answered: number;
  /** Requests sent again after no answer or a 5xx; actions found applied although their answer was lost. */
  resent: number;
  appliedUnanswered: number;
  /** 500 answers (each names the request): every fault must come back as 503 or 504. */
  internalErrors: string[];
  /** Books that ended correctly (nothing wrong in their verdict). */
  correct: number;
  driveMs: number;
  checkMs: number;
  /** What happened to each book that ended wrong, for the message. */
  trails: Record<string, string[]>;
  /** Their event histories, saved under HISTORIES_DIR. */
  histories: string[];
}

const between = ([min, max]: [number, number]) => min + Math.random() * (max - min);

/**
 * Worker kills until enough cut an activity short or the window ends: mid-packaging or
 * mid-validation, whichever runs first, but only mid-validation once half are done without one.
 */
async function killLoop(faults: Faults, plan: ChaosPlan, t0: number): Promise<void> {
  const cut = (k?: Busy) => faults.kills.filter((x) => x.cutShort && (!k || x.during === k)).length;
  while (cut() < plan.kills && Date.now() - t0 < plan.killsWithinMs) {
    const kinds: Busy[] = cut('validateExcel') === 0 && cut() >= plan.kills / 2 ? ['validateExcel'] : ['packageScans', 'validateExcel'];
    const kill = await faults.killWorker(kinds, plan.killAnywayAfterMs || 5000, plan.killAnywayAfterMs > 0);
    if (!kill) continue;
    if (faults.kills.length === plan.serverRestartAfterKill) await faults.restartServer();
    await sleep(between(plan.killGapMs));
  }
}

/**
 * Drives the plan's books through the API while the faults happen, waits until every book has
 * gone as far as its story takes it (or the settle time is up), then runs the manager's checks.
 */
export async function runChaos(stack: Stack, plan: ChaosPlan, log: (line: string) => void = () => {}): Promise<ChaosReport> {
  const books = chaosBooks(plan.books);
  const api = new ApiClient(stack.apiUrl, stack.tokens);
  const watcher = new Watcher(api);
  const t0 = Date.now();
  const driver = new Driver(api, watcher, t0 + plan.settleWithinMs);
  const faults = new Faults(stack, watcher, api, t0);
  driver.onSubmitted = (id, activity) => faults.submitted(id, activity);
  watcher.start();
  const refused = new Set(books.filter((b) => b.story === 'withdrawInImport').map((b) => b.id));
  let refusing = () => {};
  const national = faults.nationalFaults(refused, plan.nationalOutageMs, t0 + plan.settleWithinMs, () => refusing());
  const kills = Promise.race([new Promise<void>((r) => (refusing = r)), sleep(plan.killsFromMs)]).then(() => killLoop(faults, plan, t0));
  // MinIO waits up to a minute for a packaging to run, then goes down anyway.
  const minio = (plan.minioOutageAtMs === undefined ? kills : sleep(plan.minioOutageAtMs)).then(() =>
    faults.minioOutage(plan.minioOutageMs, Date.now() + 60_000),
  );
  const faultsDone = Promise.all([faults.outboxOutage(plan.outboxOutageMs), national, kills, minio]);
  const gap = plan.startsOverMs / plan.books;
  // A refused import fails a whole round (~80 s) before the stuck list shows it: those books start
  // first, so that this runs while the killed attempts wait out their heartbeat timeout.
  const order = [...books.filter((b) => refused.has(b.id)), ...books.filter((b) => !refused.has(b.id))];
  let finished = 0;
  await Promise.all(
    order.map(async (b, i) => {
      await sleep(i * gap);
      await driver.drive(b);
      if (++finished % 10 === 0 || finished === books.length) log(`${finished}/${books.length} books settled (${Math.round((Date.now() - t0) / 1000)} s)`);
    }),
  );
  await faultsDone;
  faults.end();
  await watcher.stop();
  await faults.confirmKills();
  await faults.countDelayedNotices();
  const driveMs = Date.now() - t0;
  log(`driving done in ${Math.round(driveMs / 1000)} s; checking`);

  const scratch = await mkdtemp(join(stack.dir, 'check-'));
  const checks = await check(stack, api, books, driver, scratch);
  await rm(scratch, { recursive: true, force: true });
  const wrong = checks.verdicts.filter((v) => v.wrong.length);
  const histories: string[] = [];
  if (wrong.length) await mkdir(HISTORIES_DIR, { recursive: true });
  for (const v of wrong) {
    const file = join(HISTORIES_DIR, `${v.id}.json`);
    await writeFile(file, historyToJSON(await stack.client.workflow.getHandle(v.id).fetchHistory()));
    histories.push(file);
  }
  return {
    plan,
    books,
    kills: faults.kills,
    outages: faults.outages,
    crashes: faults.crashes,
    failedStarts: faults.failedStarts,
    restartedWhileStoreDown: faults.restartedWhileStoreDown,
    checks,
    answered: driver.answered.length,
    resent: driver.resent,
    internalErrors: api.internalErrors,
    appliedUnanswered: driver.appliedUnanswered.length,
    correct: checks.verdicts.length - wrong.length,
    driveMs,
    checkMs: Date.now() - t0 - driveMs,
    trails: Object.fromEntries(wrong.map((v) => [v.id, driver.trails.get(v.id) ?? []])),
    histories,
  };
}
