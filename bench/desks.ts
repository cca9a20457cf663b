/**
 * Books driven through every step over HTTP, as their people do it, from a fixed number of
 * connections (desks): each desk takes the next book and works it to done, reading its status while an
 * automatic step runs. The requests that change a book go out at a steady rate shared by the desks (a
 * desk waits for the next free slot; one that falls behind sends at once, without catching up in a
 * burst), or as soon as the book is ready when the rate is 0. Every such request is timed from when it
 * is sent; the automatic steps are timed by the book's own clock (the phase it entered after them,
 * less when it entered `processing`), so the status reads do not blur them.
 */
import type { Book } from '../domain/book';
import type { BookStatus } from '../domain/bookState';
import { dataStepFor } from '../domain/plan';
import type { Units } from '../domain/units';
import type { UserStore } from '../clients/users';
import { sampleC06Csv, sampleCases, sampleExcel } from '../clients/samples';
import { mapLimit } from '../api/services/pool';
import { casePages, stem, zipOf } from '../test/scans/delivery';
import { sleep } from './lib';

/** Small files: three cases of two 4 kB page images each, and their transcription. */
const CASES = 3;
const PAGES = 2;
const POLL_MS = 200;
/** Moves a book may take before the drive gives up on it (a normal path takes 8–10). */
const MAX_MOVES = 60;

export interface People {
  manager: string;
  contractor: string;
  c06: string;
  clerks: Map<string, string>;
}

/** The province's manager, a contractor, C06, and a clerk for each of `agencyCodes`, with their tokens. */
export async function makePeople(users: UserStore, units: Units, agencyCodes: Iterable<string>): Promise<People> {
  const p = units.provinceCode;
  const token = async (userId: string, role: 'manager' | 'contractor' | 'c06' | 'clerk', scope: 'province' | 'agency', agencyCode: string) =>
    (await users.add({ userId, role, scope, agencyCode })).token;
  const clerks = new Map<string, string>();
  for (const code of new Set(agencyCodes)) clerks.set(code, await token(`congchuc.${code}`, 'clerk', 'agency', code));
  return {
    manager: await token('quanly.tinh', 'manager', 'province', p),
    contractor: await token('nhathau.a', 'contractor', 'province', p),
    c06: await token('c06.tinh', 'c06', 'province', p),
    clerks,
  };
}

export interface BookFiles {
  scans: Buffer;
  excel?: Buffer;
  c06?: Buffer;
}

/** Each book's delivery, made once so that every engine is sent the same bytes. */
export async function prepareFiles(books: readonly { id: string; book: Book }[]): Promise<Map<string, BookFiles>> {
  const out = new Map<string, BookFiles>();
  await mapLimit(books, 4, async ({ id, book }) => {
    const files = sampleCases(book, CASES).flatMap((c) => casePages(c.caseNo, PAGES).map((p) => ({ name: `${stem(c.name)}/${p.name}`, body: p.data })));
    const data = dataStepFor(book.type, book.agency.level);
    out.set(id, {
      scans: await zipOf(files),
      ...(data === 'excel' ? { excel: await sampleExcel(book, CASES) } : {}),
      ...(data === 'c06' ? { c06: sampleC06Csv(book, CASES) } : {}),
    });
  });
  return out;
}

/** What a request was, for the tables: a person's action on one book, or a file sent in. */
export type Kind = 'confirmInventory' | 'approve' | 'manualEntryProgress' | 'importConfirmed' | 'c06RowsConfirmed' | 'scans' | 'excel' | 'c06Batch';
export const UPLOADS: readonly Kind[] = ['scans', 'excel', 'c06Batch'];

export interface DriveResult {
  /** Round trip of every request that changed a book, in ms, by kind. */
  requests: Map<Kind, number[]>;
  /** Requests answered other than 2xx (or a C06 batch that did not reach its book), by kind. */
  failed: Map<Kind, number>;
  /** Time of each automatic stretch, in ms, by the step it ran at; and their sum per book. */
  automatic: Map<string, number[]>;
  automaticPerBook: number[];
  statusReads: number;
  done: number;
  seconds: number;
}

interface Move {
  kind: Kind;
  request: () => Promise<Response>;
}

/** The next slot at `rate` a second: waits until it comes (rate 0: never waits). */
function pacer(rate: number): () => Promise<void> {
  let next = 0;
  return async () => {
    if (!rate) return;
    const now = performance.now();
    const at = Math.max(next, now);
    next = at + 1000 / rate;
    if (at > now) await sleep(at - now);
  };
}

/** Drives every book to done over `connections` desks, changes at `rate` a second; throws when a book cannot get there. */
export async function driveBooks(
  url: string,
  people: People,
  books: readonly { id: string; book: Book }[],
  files: Map<string, BookFiles>,
  o: { connections: number; rate: number },
): Promise<DriveResult> {
  const slot = pacer(o.rate);
  const out: DriveResult = { requests: new Map(), failed: new Map(), automatic: new Map(), automaticPerBook: [], statusReads: 0, done: 0, seconds: 0 };
  const add = <K, V>(m: Map<K, V[]>, k: K, v: V) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  const auth = (token: string, contentType?: string) => ({ authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) });
  const json = (token: string, body: unknown) => ({ method: 'POST', headers: auth(token, 'application/json'), body: JSON.stringify(body) });

  const status = async (id: string): Promise<BookStatus> => {
    out.statusReads++;
    const r = await fetch(`${url}/api/registers/${id}`, { headers: auth(people.manager) });
    if (!r.ok) throw new Error(`trạng thái ${id}: ${r.status} ${await r.text()}`);
    return (await r.json()) as BookStatus;
  };

  const nextMove = (id: string, book: Book, st: BookStatus): Move | undefined => {
    const clerk = people.clerks.get(book.agency.code)!;
    const f = files.get(id)!;
    const act = (kind: Kind, token: string, payload: unknown = {}): Move => ({
      kind,
      request: () => fetch(`${url}/api/registers/${id}/actions/${kind}`, json(token, payload)),
    });
    const put = (kind: 'scans' | 'excel', body: Buffer, contentType: string, query = ''): Move => ({
      kind,
      request: () => fetch(`${url}/api/registers/${id}/${kind}${query}`, { method: 'PUT', headers: auth(people.contractor, contentType), body: new Uint8Array(body) }),
    });
    switch (`${st.step}/${st.phase}`) {
      case 'inventory/work':
        return act('confirmInventory', clerk, { cases: CASES, pages: CASES * PAGES, condition: 'good' });
      case 'scan/work':
        return put('scans', f.scans, 'application/zip', '?filename=giao-nhan.zip');
      case 'excel/work':
        return put('excel', f.excel!, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      case 'c06/work':
        // A batch taken but with rows left doubtful: the clerk keeps them as the book has them.
        if (st.actions.some((a) => a.action === 'c06Received')) return act('c06RowsConfirmed', clerk, { reason: 'Giữ nguyên như sổ gốc' });
        return {
          kind: 'c06Batch',
          request: () =>
            fetch(`${url}/api/c06/batches?filename=C06-${id}.csv&type=${book.type}`, { method: 'POST', headers: auth(people.c06, 'text/csv'), body: new Uint8Array(f.c06!) }),
        };
      case 'manualEntry/work':
        return act('manualEntryProgress', clerk, { entered: CASES, complete: true });
      case 'import/work':
        return act('importConfirmed', clerk, { imported: CASES, failed: 0 });
      case 'acceptance/review':
        return act('approve', people.manager, { note: 'Nghiệm thu đạt' });
      default:
        return st.phase === 'review' ? act('approve', clerk) : undefined;
    }
  };

  const driveOne = async ({ id, book }: { id: string; book: Book }) => {
    let st = await status(id);
    let auto: { step: string; since: string } | undefined;
    let bookAuto = 0;
    let failure = '';
    for (let moves = 0; ; ) {
      if (st.phase === 'processing') {
        auto ??= { step: st.step, since: st.phaseSince };
        await sleep(POLL_MS);
        st = await status(id);
        continue;
      }
      if (auto) {
        const ms = Date.parse(st.phaseSince) - Date.parse(auto.since);
        add(out.automatic, auto.step, ms);
        bookAuto += ms;
        auto = undefined;
      }
      if (st.phase === 'closed') break;
      if (++moves > MAX_MOVES) throw new Error(`${id}: không tới bước hoàn thành sau ${MAX_MOVES} thao tác (đang ở ${st.step}/${st.phase}; lỗi cuối: ${failure || 'không'})`);
      const move = nextMove(id, book, st);
      if (!move) throw new Error(`${id}: không ai thao tác được ở ${st.step}/${st.phase}: ${st.problems.map((p) => p.message).join('; ')}`);
      await slot();
      const t0 = performance.now();
      const r = await move.request();
      const body = (await r.json().catch(() => undefined)) as
        | {
            status?: BookStatus;
            action?: { status?: BookStatus };
            message?: string;
            matched?: { id: string; result: string; reason?: string }[];
            ambiguous?: { reason: string; workflowIds: string[] }[];
          }
        | undefined;
      const ms = performance.now() - t0;
      const reached = move.kind !== 'c06Batch' || body?.matched?.some((m) => m.id === id && m.result === 'done');
      if (!r.ok || !reached) {
        const mine = body?.matched?.find((m) => m.id === id)?.reason ?? body?.ambiguous?.find((a) => a.workflowIds.includes(id))?.reason;
        failure = `${move.kind} ${r.status}: ${mine ?? body?.message ?? 'lô C06 không tới sổ'}`;
        out.failed.set(move.kind, (out.failed.get(move.kind) ?? 0) + 1);
        await sleep(1000);
        st = await status(id);
        continue;
      }
      add(out.requests, move.kind, ms);
      // An action answers the book's status after it; an upload inside `action`; a C06 batch not at all.
      const after = body?.status ?? body?.action?.status;
      if (after?.phase === 'processing') auto = { step: after.step, since: after.phaseSince };
      st = after ?? (await status(id));
    }
    out.automaticPerBook.push(bookAuto);
    out.done++;
  };

  const t0 = performance.now();
  await mapLimit(books, o.connections, driveOne);
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}
