import { setTimeout as sleep } from 'node:timers/promises';
import type { BookStatus } from '../../domain/bookState';
import { mapLimit } from '../../api/services/pool';
import type { ApiClient } from './api';
import { checkArtifacts, type ArtifactCheck } from './artifacts';
import { CASES, STORIES, type ChaosBook } from './books';
import { sentWith, type Answered, type Driver } from './driver';
import type { Stack } from './stack';

export interface BookVerdict {
  id: string;
  story: string;
  expected: string;
  actual: string;
  /** Everything a manager would find wrong with this book; empty when it ended correctly. */
  wrong: string[];
}

export interface Checks {
  verdicts: BookVerdict[];
  /** Books Temporal does not know, and updates answered 200 missing from a book's status or history. */
  lost: string[];
  /** Books still open somewhere their story does not leave them (nothing more will happen). */
  stuck: string[];
  /** Closed runs that failed, were terminated or timed out. */
  failedRuns: string[];
  /** Accepted imports at the national endpoint, and those beyond one per book. */
  acceptedImports: number;
  duplicateImports: number;
  artifacts: ArtifactCheck;
  /** Books whose deadline reminder is not in the outbox (books not withdrawn). */
  missingNotices: string[];
}

interface TimelineEntry {
  kind: string;
  requestId?: string;
  idempotencyKey?: string;
  action?: string;
  outcome?: string;
}

/** A GET, tried a few times; what it answered last when it never succeeded. */
async function read<T>(api: ApiClient, path: string): Promise<{ ok: true; body: T } | { ok: false; status: number; message: string }> {
  let last = { status: 0, message: '' };
  for (let i = 0; i < 5; i++) {
    const r = await api.call<T>('manager', 'GET', path, { timeoutMs: 45_000 });
    if (r.status === 200) return { ok: true, body: r.body };
    last = { status: r.status, message: (r.body as { message?: string })?.message ?? String(r.body) };
    if (r.status === 404) break;
    await sleep(1000);
  }
  return { ok: false, ...last };
}

/** What a manager checks once the faults are over, book by book and across the province. */
export async function check(stack: Stack, api: ApiClient, books: ChaosBook[], driver: Driver, scratch: string): Promise<Checks> {
  const lost: string[] = [];
  const stuck: string[] = [];
  const byBook = new Map<string, Answered[]>();
  for (const a of driver.answered) byBook.set(a.id, [...(byBook.get(a.id) ?? []), a]);
  const reminded = new Set((await stack.outbox.list([], 100_000)).filter((n) => n.kind === 'deadlineReminder').map((n) => n.workflowId));
  const missingNotices = books.filter((b) => STORIES[b.story].end.step !== 'withdrawn' && !reminded.has(b.id)).map((b) => b.id);

  const verdicts = await mapLimit(books, 4, async (b): Promise<BookVerdict> => {
    const story = STORIES[b.story];
    const expected = `${story.end.step}/${story.end.phase}`;
    const wrong: string[] = [];
    const got = await read<BookStatus>(api, `/api/registers/${b.id}`);
    if (!got.ok) {
      if (got.status === 404) lost.push(`${b.id}: no such book`);
      else stuck.push(`${b.id}: its status cannot be read`);
      return { id: b.id, story: b.story, expected, actual: `unreadable (${got.status})`, wrong: [`status: ${got.status} ${got.message}`] };
    }
    const st = got.body;
    const actual = `${st.step}/${st.phase}`;
    if (actual !== expected) {
      const why = driver.strays.get(b.id) ?? (st.failing ? `failing: ${st.failing.activity}, ${st.failing.attempts} attempts, last error ${st.failing.lastError}` : undefined);
      wrong.push(`ended at ${actual}, expected ${expected}${why ? ` (${why})` : ''}`);
      if (st.phase !== 'closed') stuck.push(`${b.id}: ${actual}`);
    }
    const history = await read<{ entries: TimelineEntry[] }>(api, `/api/registers/${b.id}/history?denied=false`);
    if (!history.ok) wrong.push(`history: ${history.status} ${history.message}`);
    for (const a of byBook.get(b.id) ?? []) {
      const inStatus = st.actions.some((x) => sentWith(x, a.requestId) && x.action === a.action);
      const inHistory = history.ok && history.body.entries.some((e) => e.kind === 'action' && sentWith(e, a.requestId) && e.action === a.action && e.outcome === 'ok');
      if (!inStatus || !inHistory) {
        const where = [!inStatus && 'status', !inHistory && 'history'].filter(Boolean).join(' and ');
        wrong.push(`${a.action} (${a.requestId}) answered 200 but missing from its ${where}`);
        lost.push(`${b.id}: ${a.action} ${a.requestId} not in ${where}`);
      }
    }
    const imports = stack.national.submissions.filter((s) => s.idempotencyKey.startsWith(`${b.id}:`));
    if (imports.length !== story.imports) wrong.push(`${imports.length} accepted imports at the national endpoint, expected ${story.imports}`);
    if (story.imports && st.counts.imported !== CASES) wrong.push(`imported count ${st.counts.imported}, expected ${CASES}`);
    if (missingNotices.includes(b.id)) wrong.push('its deadline reminder never reached the outbox');
    return { id: b.id, story: b.story, expected, actual, wrong };
  });

  const failedRuns: string[] = [];
  for (const status of ['Failed', 'Terminated', 'TimedOut']) {
    for await (const w of stack.client.workflow.list({ query: `ExecutionStatus = "${status}"` })) failedRuns.push(`${w.workflowId} (${w.runId}): ${status}`);
  }
  const perBook = new Map<string, number>();
  for (const s of stack.national.submissions) {
    const id = s.idempotencyKey.split(':')[0]!;
    perBook.set(id, (perBook.get(id) ?? 0) + 1);
  }
  const duplicateImports = [...perBook.values()].reduce((n, k) => n + Math.max(0, k - 1), 0);
  const artifacts = await checkArtifacts(stack.store, scratch);
  return { verdicts, lost, stuck, failedRuns, acceptedImports: stack.national.submissions.length, duplicateImports, artifacts, missingNotices };
}
