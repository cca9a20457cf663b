import proto from '@temporalio/proto';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerCrash } from '../support/workerProcess';
import type { ApiClient } from './api';
import type { Stack } from './stack';
import type { Watcher } from './watcher';

export type Busy = 'packageScans' | 'validateExcel';
const STEP_OF: Record<Busy, string> = { packageScans: 'scan', validateExcel: 'excel' };
type Hit = { id: string; activity: Busy; activityId: string; attempt: number };
const { PendingActivityState, EventType } = proto.temporal.api.enums.v1;

export interface Kill {
  /** Seconds from the start of the run. */
  at: number;
  /** What the killed worker was running (per the server), or null for a kill at a random moment. */
  during: Busy | null;
  bookId?: string;
  activityId?: string;
  attempt?: number;
  /** Seen once the new worker polled: the server still had the killed attempt running (it was lost). */
  cutShort?: boolean;
  /** From the book's history after the run: the lost attempt was retried, or cancelled (book withdrawn). */
  confirmed?: 'retried' | 'cancelled';
  /** Until a new worker was polling. */
  downMs: number;
}

export interface Outage {
  what: 'temporal restart' | 'minio down' | 'outbox failing' | 'national 5xx' | 'national accepts, answers late';
  /** Seconds from the start of the run, and how long it lasted. */
  at: number;
  ms: number;
  /**
   * What it caught: requests in flight (restart), packagings running (MinIO), reminders that fell
   * due meanwhile (outbox), posts refused (5xx), held imports posted again (late answers).
   */
  hits: number;
  note: string;
}

/** How long the national endpoint holds an answer: longer than the gateway's 60 s wait. */
const HOLD_MS = 65_000;
const bookOf = (idempotencyKey: string) => idempotencyKey.split(':')[0]!;

/** Seconds from the run's start, to a tenth. */
const secs = (t0: number, t: number) => Math.round((t - t0) / 100) / 10;

/**
 * The faults, each timed on what the system is doing (a packaging running, a request in flight) as
 * the server and the API report it, so "in the middle of" is observed, not hoped for. Packaging and
 * validation of these small books take a fraction of a second: the books whose delivery was just
 * taken are watched closely until the server says their activity started on the current worker.
 */
export class Faults {
  readonly kills: Kill[] = [];
  readonly outages: Outage[] = [];
  /** Workers that died without being killed (a finding, not a fault we made); each is started again. */
  readonly crashes: WorkerCrash[] = [];
  /** Why a new worker failed to start (it is tried again every second): its last error line. */
  readonly failedStarts: string[] = [];
  /** Whether a worker started while MinIO was down (it must: activities fail and are retried). */
  restartedWhileStoreDown = false;
  private stopping = false;
  private starting: Promise<void> | undefined;
  private recent: Array<{ id: string; activity: Busy; at: number }> = [];

  constructor(
    private readonly stack: Stack,
    private readonly watcher: Watcher,
    private readonly api: ApiClient,
    private readonly t0: number,
  ) {
    stack.worker.onCrash = (e) => {
      this.crashes.push(e);
      void this.startWorker();
    };
  }

  /** A delivery was taken: the book's activity is about to run. */
  submitted(id: string, activity: Busy): void {
    this.recent = [...this.recent.filter((r) => Date.now() - r.at < 5000), { id, activity, at: Date.now() }];
  }

  /** Stops restarting crashed workers (the run is ending). */
  end(): void {
    this.stopping = true;
  }

  /** Starts a worker, again and again until one runs (the server may be restarting); one at a time. */
  private startWorker(): Promise<void> {
    this.starting ??= (async () => {
      while (!this.stopping && !this.stack.worker.running) {
        try {
          await this.stack.worker.start();
        } catch (e) {
          const lines = (e as Error).message.split('\n');
          this.failedStarts.push(lines.filter((l) => /error/i.test(l)).at(-1) ?? lines[0]!);
          await sleep(1000);
        }
      }
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** One of `books` whose activity of `kinds` the current worker runs now, per the server. */
  private async busy(ids: string[], kinds: Busy[]): Promise<Hit | undefined> {
    const found = await Promise.all(
      ids.map(async (id) => {
        const d = await this.stack.client.workflow.getHandle(id).describe().catch(() => undefined);
        const pa = d?.raw.pendingActivities?.find(
          (a) =>
            kinds.includes(a.activityType?.name as Busy) &&
            a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED &&
            (optionalTsToMs(a.lastStartedTime) ?? 0) >= this.stack.worker.readyAt,
        );
        return pa ? { id, activity: pa.activityType!.name as Busy, activityId: pa.activityId!, attempt: pa.attempt ?? 1 } : undefined;
      }),
    );
    return found.find((f) => f !== undefined);
  }

  /**
   * Waits until one of `kinds` runs: asks the server every 20 ms about books whose delivery was just
   * taken, and every 250 ms about the books the list shows processing (retries, later attempts).
   */
  private async waitBusy(kinds: Busy[], until: number): Promise<Hit | undefined> {
    for (let round = 0; Date.now() < until; round++) {
      if (this.stack.worker.running) {
        const fresh = this.recent.filter((r) => kinds.includes(r.activity) && Date.now() - r.at < 3000).map((r) => r.id);
        const listed = round % 12 === 0 ? this.watcher.processing(kinds.map((k) => STEP_OF[k])) : [];
        const hit = await this.busy([...new Set([...fresh, ...listed])].slice(0, 16), kinds);
        if (hit) return hit;
      }
      await sleep(20);
    }
    return undefined;
  }

  /**
   * kill -9 the worker while one of `kinds` runs (waiting up to `waitMs` for one), or at that point
   * anyway when `orAnyway`; then a new worker starts (a few seconds, while people keep acting).
   */
  async killWorker(kinds: Busy[], waitMs: number, orAnyway = false): Promise<Kill | undefined> {
    const hit = await this.waitBusy(kinds, Date.now() + waitMs);
    if ((!hit && !orAnyway) || !this.stack.worker.running) return undefined;
    const at = Date.now();
    await this.stack.worker.kill();
    await this.startWorker();
    const kill: Kill = {
      at: secs(this.t0, at),
      during: hit?.activity ?? null,
      ...(hit ? { bookId: hit.id, activityId: hit.activityId, attempt: hit.attempt, cutShort: await this.stillRunning(hit) } : {}),
      downMs: Date.now() - at,
    };
    this.kills.push(kill);
    return kill;
  }

  /** Whether the server still counts the killed attempt as running: it never reported back. */
  private async stillRunning(hit: Hit): Promise<boolean> {
    const d = await this.stack.client.workflow.getHandle(hit.id).describe();
    return !!d.raw.pendingActivities?.some(
      (a) => a.activityId === hit.activityId && a.attempt === hit.attempt && a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
    );
  }

  /** Restarts the Temporal server (same SQLite file) at a moment when people's requests are in flight. */
  async restartServer(): Promise<void> {
    const until = Date.now() + 30_000;
    while (this.api.writesInFlight === 0 && Date.now() < until) await sleep(10);
    const inFlight = this.api.writesInFlight;
    const at = Date.now();
    const how = await this.stack.temporal.restart();
    const stopped = how === 'SIGTERM' ? 'stopped by SIGTERM' : 'still up 10 s after SIGTERM: SIGKILL';
    this.outages.push({ what: 'temporal restart', at: secs(this.t0, at), ms: Date.now() - at, hits: inFlight, note: `${inFlight} requests in flight; ${stopped}` });
  }

  /** MinIO down for `ms` (SIGKILL, then started again on its data), from a moment a packaging runs. */
  async minioOutage(ms: number, until: number): Promise<void> {
    const hit = await this.waitBusy(['packageScans'], until);
    const at = Date.now();
    await this.stack.minio.halt();
    // Once the cut packaging has failed on the refused connection, a new worker must start meanwhile.
    await sleep(Math.min(5000, ms / 3));
    let restart = 'the worker was not running';
    if (this.stack.worker.running && !this.stopping) {
      await this.stack.worker.stop();
      const from = Date.now();
      restart = await this.stack.worker.start().then(
        () => `a new worker started meanwhile in ${((Date.now() - from) / 1000).toFixed(1)} s`,
        (e) => `a new worker failed to start: ${(e as Error).message.split('\n')[0]}`,
      );
      this.restartedWhileStoreDown = restart.startsWith('a new worker started');
      await this.startWorker();
    }
    await sleep(Math.max(0, at + ms - Date.now()));
    await this.stack.minio.resume();
    const what = hit ? `while ${hit.id} was packaging` : 'no packaging was running';
    this.outages.push({ what: 'minio down', at: secs(this.t0, at), ms: Date.now() - at, hits: hit ? 1 : 0, note: `${what}; ${restart}` });
  }

  /**
   * The worker's notice outbox unusable for `ms`: its folder replaced by a regular file (the worker
   * runs as root, so permissions would not stop it), then put back.
   */
  async outboxOutage(ms: number): Promise<void> {
    const dir = join(this.stack.dataDir, 'outbox');
    const away = `${dir}.away`;
    const at = Date.now();
    for (;;) {
      if (existsSync(dir)) await rename(dir, away);
      try {
        await writeFile(dir, 'not a folder\n', { flag: 'wx' });
        break;
      } catch {
        // the worker made the folder again between the two calls: move it away too
      }
    }
    await sleep(ms);
    await rm(dir);
    if (existsSync(away)) await rename(away, dir);
    this.outages.push({ what: 'outbox failing', at: secs(this.t0, at), ms: Date.now() - at, hits: 0, note: 'outbox folder replaced by a file' });
  }

  /** Counts, once the run is over, the reminders that fell due while the outbox failed (all written later). */
  async countDelayedNotices(): Promise<void> {
    const o = this.outages.find((x) => x.what === 'outbox failing');
    if (!o) return;
    const from = this.t0 + o.at * 1000;
    const notices = await this.stack.outbox.list([], 100_000);
    o.hits = notices.filter((n) => Date.parse(n.createdAt) >= from && Date.parse(n.createdAt) <= from + o.ms).length;
    o.note = `outbox folder replaced by a file; ${o.hits} reminders fell due meanwhile, written after`;
  }

  /**
   * The national endpoint: refuses (503) every package of the books in `refused`, for good; takes the
   * next two new imports but holds their answers longer than the gateway waits (60 s); then answers
   * 503 to everyone, for `ms` from the first post it refuses. `onRefusing` is called at that post.
   * Ends once the gateway posted each held package again, with what both faults did recorded.
   */
  async nationalFaults(refused: Set<string>, ms: number, until: number, onRefusing: () => void): Promise<void> {
    const { national } = this.stack;
    national.faults.refuse = (key) => refused.has(bookOf(key));
    national.faults.holdNext = { imports: 2, ms: HOLD_MS };
    while (national.faults.holdNext.imports > 0 && Date.now() < until) await sleep(200);
    const heldAt = Date.now();
    const refusals = () => national.log.filter((c) => c.status === 503 && !refused.has(bookOf(c.key))).length;
    national.faults.status = 503;
    while (refusals() === 0 && Date.now() < until) await sleep(100);
    onRefusing();
    const at = Date.now();
    await sleep(ms);
    delete national.faults.status;
    this.outages.push({ what: 'national 5xx', at: secs(this.t0, at), ms: Date.now() - at, hits: refusals(), note: `${refusals()} posts answered 503` });
    // The gateway gives up on a held answer after 60 s and posts the package again, same key.
    const held = national.log.filter((c) => c.held).map((c) => c.key);
    const askedAgain = () => held.filter((k) => national.log.filter((c) => c.key === k).length > 1).length;
    while (askedAgain() < held.length && Date.now() < until) await sleep(500);
    this.outages.push({
      what: 'national accepts, answers late',
      at: secs(this.t0, heldAt),
      ms: HOLD_MS,
      hits: askedAgain(),
      note: `${held.length} imports taken, answers held; ${askedAgain()} posted again with the same key`,
    });
  }

  /**
   * Confirms from each book's history that the killed attempt was lost: Temporal ran a later attempt
   * (after the heartbeat timeout), or the book was withdrawn meanwhile and the activity cancelled.
   */
  async confirmKills(): Promise<void> {
    for (const k of this.kills) {
      if (!k.bookId) continue;
      const events = (await this.stack.client.workflow.getHandle(k.bookId).fetchHistory()).events ?? [];
      const ids = new Set(
        events
          .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityId === k.activityId)
          .map((e) => Number(e.eventId)),
      );
      const retried = events.some((e) => {
        const a = e.activityTaskStartedEventAttributes;
        return !!a && ids.has(Number(a.scheduledEventId)) && (a.attempt ?? 1) > (k.attempt ?? 1);
      });
      const cancelled = events.some((e) => ids.has(Number(e.activityTaskCancelRequestedEventAttributes?.scheduledEventId)));
      k.confirmed = retried ? 'retried' : cancelled ? 'cancelled' : undefined;
    }
  }
}
