import proto from '@temporalio/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BookStatus } from '../../domain/bookState';
import { typeCode } from '../../domain/registerTypes';
import type { ApiClient } from '../chaos/api';
import { CASES, PAGES, type ChaosBook } from '../chaos/books';
import type { Driver } from '../chaos/driver';
import { casePages, stem, zipOf } from '../scans/delivery';
import { sampleCases } from '../../clients/samples';
import type { ClusterClients } from './cluster';

const { PendingActivityState } = proto.temporal.api.enums.v1;

/** Status of a book through the API, asked until it answers (a restart in progress answers 503). */
export async function statusOf(api: ApiClient, id: string, timeoutMs = 120_000): Promise<BookStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.call<BookStatus>('manager', 'GET', `/api/registers/${id}`, { timeoutMs: 20_000 });
    if (r.status === 200) return r.body;
    if (Date.now() > until) throw new Error(`status of ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    await sleep(500);
  }
}

/** Waits until the book's status satisfies `ok`, reading it every half second. */
export async function waitStatus(api: ApiClient, id: string, ok: (s: BookStatus) => boolean, timeoutMs: number): Promise<BookStatus> {
  const until = Date.now() + timeoutMs;
  let last: BookStatus | undefined;
  while (Date.now() < until) {
    last = await statusOf(api, id);
    if (ok(last)) return last;
    await sleep(500);
  }
  throw new Error(`${id} did not get there in ${timeoutMs / 1000} s: ${last?.step}/${last?.phase}, failing ${JSON.stringify(last?.failing)}`);
}

/** One action through the API, sent until it gets an answer (the same Idempotency-Key each time). */
export async function act(api: ApiClient, who: 'manager' | 'clerk', id: string, action: string, payload: object = {}): Promise<number> {
  const key = `${id}.${action}.${Date.now()}`;
  for (let i = 0; i < 60; i++) {
    const r = await api.call(who, 'POST', `/api/registers/${id}/actions/${action}`, { json: payload, headers: { 'idempotency-key': key } });
    if (r.status !== 0 && r.status < 500) return r.status;
    await sleep(1000);
  }
  throw new Error(`${action} on ${id}: no answer`);
}

/** The book created and its inventory confirmed through the API, as the manager and the clerk do. */
export async function createToScan(api: ApiClient, b: ChaosBook): Promise<void> {
  const item = { agencyCode: b.book.agency.code, type: typeCode(b.book.type), bookNo: b.book.bookNo, yearFrom: b.book.yearFrom, yearTo: b.book.yearTo };
  const r = await api.call('manager', 'POST', '/api/registers', { json: { items: [item] } });
  if (r.status !== 200) throw new Error(`create ${b.id}: ${r.status} ${JSON.stringify(r.body)}`);
  expectStatus(await act(api, 'clerk', b.id, 'confirmInventory', { cases: CASES, pages: CASES * PAGES, condition: 'good' }), 200, 'confirmInventory');
}

const expectStatus = (got: number, want: number, what: string) => {
  if (got !== want) throw new Error(`${what} answered ${got}, expected ${want}`);
};

export interface Kill {
  pid: number;
  worker: string;
  survivor: string;
  at: number;
  /** Its attempt still pending (started, not completed) after the kill: the kill cut it short. */
  cutShort: boolean;
}

/**
 * The contractor's delivery of heavy pages (about 2.5 MB each, so that packaging lasts long enough to
 * be caught), then kill -9 of whichever worker the server says runs its packageScans.
 */
export async function killMidPackaging(c: ClusterClients, b: ChaosBook, pids: Record<string, number>): Promise<Kill> {
  const files = sampleCases(b.book, CASES).flatMap((k) => casePages(k.caseNo, PAGES, 2_500_000).map((p) => ({ name: `${stem(k.name)}/${p.name}`, body: p.data })));
  const up = await c.api.call('contractor', 'PUT', `/api/registers/${b.id}/scans?filename=giao-nhan.zip`, { body: await zipOf(files), contentType: 'application/zip', timeoutMs: 120_000 });
  if (up.status !== 200) throw new Error(`scans upload: ${up.status} ${JSON.stringify(up.body)}`);
  const handle = c.client.workflow.getHandle(b.id);
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const d = await handle.describe();
    const pa = d.raw.pendingActivities?.find((a) => a.activityType?.name === 'packageScans' && a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    const pid = Number(pa?.lastWorkerIdentity?.split('@')[0]);
    const worker = Object.keys(pids).find((w) => pids[w] === pid);
    if (pa && worker) {
      process.kill(pid, 'SIGKILL');
      const at = Date.now();
      await sleep(1000);
      const after = await handle.describe();
      const still = after.raw.pendingActivities?.find((a) => a.activityType?.name === 'packageScans');
      return { pid, worker, survivor: Object.keys(pids).find((w) => w !== worker)!, at, cutShort: !!still && (still.attempt ?? 1) === (pa.attempt ?? 1) };
    }
    await sleep(20);
  }
  throw new Error(`packageScans of ${b.id} was never seen running on a worker of the cluster`);
}

/** The worker identity and attempt recorded when packageScans completed (from the history). */
export async function packagingRun(c: ClusterClients, id: string): Promise<{ identity: string; attempt: number } | undefined> {
  const history = await c.client.workflow.getHandle(id).fetchHistory();
  const events = history.events ?? [];
  const scheduled = new Set(
    events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'packageScans').map((e) => String(e.eventId)),
  );
  const started = events.filter((e) => e.activityTaskStartedEventAttributes && scheduled.has(String(e.activityTaskStartedEventAttributes.scheduledEventId)));
  const completed = events.find((e) => e.activityTaskCompletedEventAttributes && scheduled.has(String(e.activityTaskCompletedEventAttributes.scheduledEventId)));
  const s = started.find((e) => String(e.eventId) === String(completed?.activityTaskCompletedEventAttributes?.startedEventId));
  return s ? { identity: s.activityTaskStartedEventAttributes!.identity ?? '', attempt: s.activityTaskStartedEventAttributes!.attempt ?? 0 } : undefined;
}

interface TimelineEntry {
  kind: string;
  requestId?: string;
  action?: string;
  outcome?: string;
}

/** Updates the API answered 200 for that are missing from their book's status or history. */
export async function lostUpdates(api: ApiClient, driver: Driver): Promise<string[]> {
  const lost: string[] = [];
  for (const id of new Set(driver.answered.map((a) => a.id))) {
    const st = await statusOf(api, id);
    const h = await api.call<{ entries: TimelineEntry[] }>('manager', 'GET', `/api/registers/${id}/history?denied=false`, { timeoutMs: 30_000 });
    for (const a of driver.answered.filter((x) => x.id === id)) {
      // The driver's key is the action's Idempotency-Key (kept as sent, or with its payload's digest
      // after a "~"); an upload's is its update id. The history names the request the API made of it.
      const rec = st.actions.find(
        (x) => x.action === a.action && (x.requestId === a.requestId || x.idempotencyKey === a.requestId || !!x.idempotencyKey?.startsWith(`${a.requestId}~`)),
      );
      const inHistory =
        h.status === 200 && !!rec?.requestId && h.body.entries.some((e) => e.kind === 'action' && e.requestId === rec.requestId && e.action === a.action && e.outcome === 'ok');
      if (!rec || !inHistory) lost.push(`${id}: ${a.action} ${a.requestId}${rec ? '' : ' not in status'}${inHistory ? '' : ' not in history'}`);
    }
  }
  return lost;
}

/** Runs that ended failed, terminated or timed out anywhere in the namespace. */
export async function failedRuns(c: ClusterClients): Promise<string[]> {
  const out: string[] = [];
  for await (const w of c.client.workflow.list({ query: 'ExecutionStatus = "Failed" OR ExecutionStatus = "Terminated" OR ExecutionStatus = "TimedOut"' })) {
    out.push(`${w.workflowId}: ${w.status.name}`);
  }
  return out;
}
