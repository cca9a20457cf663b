import type { Client } from '@temporalio/client';
import { ensurePlan, readPlan } from '../../clients/temporal/plan';
import { Readable } from 'node:stream';
import { intakeC06Batch } from '../../activities/c06';
import type { ArtifactStore } from '../../clients/storage/types';
import { startBook } from '../../clients/temporal/startBook';
import type { Actor } from '../../domain/actors';
import { bookSchema, workflowIdFor, type Book } from '../../domain/book';
import type { BookStatus } from '../../domain/bookState';
import { planHandover, withinOf } from '../../domain/custody';
import { legacyCustodian, type Units } from '../../domain/units';
import type { Agency } from '../../domain/agencies';
import { actionUpdates, statusQuery } from '../../workflows/definitions';
import type { RegisterType } from '../../domain/registerTypes';
import { days, type PlanSettings } from '../../domain/settings';
import { sampleC06Csv, uploadSampleExcel, uploadSampleScans } from '../../clients/samples';

/**
 * The demo's books, by slot so that any province's units fill them: P the Sở Tư pháp, D0–D3 district
 * offices, C0–C5 communes (C5 a commune split in 2025 when the province has one).
 */
type Slot = 'P' | 'D0' | 'D1' | 'D2' | 'D3' | 'C0' | 'C1' | 'C2' | 'C3' | 'C4' | 'C5';
const DEMO_BOOKS: [slot: Slot, type: RegisterType, bookNo: string, yearFrom: number, yearTo?: number][] = [
  ['P', 'maritalStatus', '01', 2017], ['P', 'parentChild', '01', 2010], ['P', 'birth', '01', 1995],
  ['P', 'marriage', '01', 1970], ['P', 'adoption', '01', 2003], ['P', 'change', '01', 2016],
  ['D0', 'birth', '01', 2017], ['D0', 'birth', '02', 2018], ['D0', 'death', '01', 2012],
  ['D0', 'marriage', '01', 2005, 2006], ['D0', 'guardianship', '01', 2017], ['D0', 'divorceNote', '01', 2008],
  ['D1', 'birth', '01', 1999], ['D1', 'maritalStatus', '01', 2016], ['D1', 'death', '01', 1988], ['D1', 'change', '01', 2014],
  ['D2', 'birth', '01', 2016], ['D2', 'parentChild', '01', 2001], ['D2', 'guardianshipEnd', '01', 2011],
  ['D3', 'birth', '01', 2015], ['D3', 'death', '01', 2015],
  ['C0', 'birth', '01', 2017], ['C0', 'birth', '01', 2018], ['C0', 'marriage', '01', 2017],
  ['C0', 'death', '01', 2016], ['C0', 'guardianship', '01', 2015],
  ['C1', 'birth', '01', 2019], ['C1', 'death', '01', 2010],
  ['C2', 'birth', '01', 1980], ['C2', 'marriage', '01', 1974], ['C2', 'maritalStatus', '01', 2019],
  ['C3', 'birth', '01', 2002], ['C3', 'adoption', '01', 2009],
  ['C4', 'birth', '01', 2013], ['C4', 'death', '01', 2013],
  ['C5', 'birth', '01', 2018], ['C5', 'parentChild', '01', 2018],
];

/** The province part-way through the 2025 change: these slots' open books are handed to their successors. */
const HANDED_OVER = new Set<Slot>(['P', 'D0', 'C1', 'C4', 'C5']);
export const HANDOVER_REASON = 'Bàn giao sổ theo sắp xếp đơn vị hành chính từ 1/7/2025';

/** The agencies that fill the slots: the first districts that still have communes, and communes of them. */
export function demoSlots(units: Units): Record<Slot, Agency> {
  const communesOf = (d: string) => units.agencies.filter((a) => a.level === 'commune' && a.districtCode === d);
  const districts = units.agencies.filter((a) => a.level === 'district' && communesOf(a.code).length >= 2);
  const pick = <T>(xs: readonly T[], i: number) => xs[Math.min(i, xs.length - 1)]!;
  const d = [0, 1, Math.floor(districts.length / 2), districts.length - 1].map((i) => pick(districts, i));
  const split = units.agencies.find((a) => {
    const s = units.successionOf(a.code);
    return a.level === 'commune' && s.kind === 'to' && !!s.alternatives?.length;
  });
  return {
    P: units.agencies.find((a) => a.level === 'province')!,
    D0: d[0]!, D1: d[1]!, D2: d[2]!, D3: d[3]!,
    C0: pick(communesOf(d[0]!.code), 0), C1: pick(communesOf(d[0]!.code), 1),
    C2: pick(communesOf(d[1]!.code), 0), C3: pick(communesOf(d[1]!.code), 1),
    C4: pick(communesOf(d[2]!.code), 0), C5: split ?? pick(communesOf(d[3]!.code), 0),
  };
}

export function demoBooks(units: Units): { book: Book; slot: Slot }[] {
  const slots = demoSlots(units);
  return DEMO_BOOKS.map(([slot, type, bookNo, yearFrom, yearTo]) => ({
    slot,
    book: bookSchema.parse({ agency: slots[slot], type, bookNo, yearFrom, yearTo: yearTo ?? yearFrom, expectedCases: CASES }),
  }));
}

export const demoActor = (role: Actor['role'], scope: Actor['scope'], agencyCode: string, userId: string): Actor => ({ userId, role, scope, agencyCode });

/**
 * How far each demo book gets: 0 stays at inventory … 7 is done. Spread so the project looks live:
 * some done, most in progress, waiting for work or for review.
 */
const STAGES = [7, 3, 5, 1, 7, 2, 6, 4, 0, 7, 3, 5, 2, 6, 1, 7, 4, 3, 0, 5, 2, 7, 6, 1, 4, 3, 7, 2, 0, 5, 1, 6, 3, 7, 4, 2, 1];
/** Books of the first wave ("đợt 1") had an earlier deadline, now past: they show as overdue unless done. */
const FIRST_WAVE = new Set([1, 3, 8, 14, 18, 23]);

export interface DemoResult {
  created: number;
  existing: number;
  /** Open books handed to the unit that took them over in 2025; those whose successor a manager must choose stay. */
  handedOver: number;
  undecided: number;
}

/**
 * Starts the demo books of any province idempotently; only books started now are driven (and, for
 * the slots the province has handed over, handed to their successors), so a second run changes nothing.
 */
export async function loadDemo(client: Client, store: ArtifactStore, taskQueue: string, plan: PlanSettings, nowMs: number, units: Units): Promise<DemoResult> {
  const books = demoBooks(units);
  const manager: Actor = { ...demoActor('manager', 'province', units.provinceCode, 'quanly.tinh'), within: withinOf(units, { scope: 'province', agencyCode: units.provinceCode }) };
  const actors = { manager, contractor: demoActor('contractor', 'province', units.provinceCode, 'nhathau.a'), c06: demoActor('c06', 'province', units.provinceCode, 'c06.tinh') };
  const out: DemoResult = { created: 0, existing: 0, handedOver: 0, undecided: 0 };
  // The province plan's workflow, with the configured deadline unless it runs (then as managers moved it).
  await ensurePlan(client, taskQueue, plan.deadline);
  const provinceDeadline = (await readPlan(client, plan.deadline)).deadline;
  for (const [i, { book, slot }] of books.entries()) {
    // The first wave had a deadline of its own, now passed (overdue); the others follow the plan.
    const bookPlan = FIRST_WAVE.has(i) ? { ...plan, deadline: new Date(nowMs - days(15)).toISOString() } : { ...plan, deadline: provinceDeadline, followsPlan: true };
    if ((await startBook(client, taskQueue, book, bookPlan)).result === 'existing') {
      out.existing++;
      continue;
    }
    out.created++;
    const stage = STAGES[i % STAGES.length]!;
    await drive(client, store, book, stage, actors, units);
    if (HANDED_OVER.has(slot) && stage < 7) {
      const h = planHandover(units, legacyCustodian(book.agency), 'successor', HANDOVER_REASON);
      if (h.kind === 'send') {
        await client.workflow.getHandle(workflowIdFor(book)).executeUpdate(actionUpdates.changeCustodian, { args: [{ actor: manager, payload: { to: h.to, reason: h.reason } }] });
        out.handedOver++;
      } else out.undecided++;
    }
  }
  return out;
}

export async function drive(client: Client, store: ArtifactStore, book: Book, stage: number, actors: Record<'manager' | 'contractor' | 'c06', Actor>, units: Units): Promise<void> {
  const { manager: MANAGER, contractor: CONTRACTOR, c06: C06 } = actors;
  const id = workflowIdFor(book);
  const handle = client.workflow.getHandle(id);
  const clerk = demoActor('clerk', 'agency', book.agency.code, `congchuc.${book.agency.code}`);
  const act = (action: keyof typeof actionUpdates, actor: Actor, payload: unknown = {}): Promise<BookStatus> =>
    handle.executeUpdate(actionUpdates[action], { args: [{ actor, payload }] });
  /** Automatic steps (packaging, validation, import package, acceptance figures) run between actions. */
  const settled = () => waitUntil(() => handle.query(statusQuery), (s) => s.phase !== 'processing');
  const cases = CASES;
  const steps: (() => Promise<unknown>)[] = [
    () => act('confirmInventory', clerk, { cases, pages: cases * PAGES_PER_CASE, condition: 'worn' }),
    async () => {
      await act('scansUploaded', CONTRACTOR, { uploadPrefix: await uploadSampleScans(store, book, cases, PAGES_PER_CASE) });
      return settled();
    },
    async () => {
      // A delivery sent back (a check found a fault) or a plan without scan review stays as it is.
      const st = await handle.query(statusQuery);
      if (st.step === 'scan' && st.phase === 'review') await act('approve', clerk, { note: 'Bản quét đạt yêu cầu' });
    },
    async () => {
      const st = await handle.query(statusQuery);
      if (st.phase !== 'work') return;
      if (st.step === 'excel') await act('excelUploaded', CONTRACTOR, { excelKey: await uploadSampleExcel(store, book, cases) });
      else if (st.step === 'c06') await act('c06Received', C06, await takeC06Batch(store, book, id, cases, units));
      else if (st.step === 'manualEntry') await act('manualEntryProgress', clerk, { entered: cases, complete: true });
      return settled();
    },
    async () => {
      const st = await handle.query(statusQuery);
      if (st.phase === 'review' && st.step !== 'acceptance') await act('approve', clerk);
      return settled();
    },
    async () => {
      const st = await handle.query(statusQuery);
      if (st.step === 'import') await act('importConfirmed', clerk, { imported: cases, failed: 0 });
      return settled();
    },
    async () => {
      const st = await handle.query(statusQuery);
      if (st.step === 'acceptance' && st.phase === 'review') await act('approve', MANAGER, { note: 'Nghiệm thu đạt' });
    },
  ];
  for (const step of steps.slice(0, stage)) await step();
}

/** Runs the commune's C06 hand-back through the real intake; answers the `c06Received` payload. */
async function takeC06Batch(store: ArtifactStore, book: Book, workflowId: string, cases: number, units: Units) {
  const r = await intakeC06Batch({
    store,
    batch: { source: { stream: Readable.from(sampleC06Csv(book, cases)) }, format: 'csv', fileName: `C06-${book.agency.code}-${book.type}.csv`, type: book.type },
    candidates: [{ workflowId, book }],
    districts: units.districts,
  });
  const m = r.matched.find((x) => x.workflowId === workflowId);
  if (!m) throw new Error(`dữ liệu mẫu: lô C06 không khớp sổ ${workflowId}: ${JSON.stringify(r.unmatched.slice(0, 3))}`);
  return { batchRef: r.batchRef, records: m.rows, rowsKey: m.key, sha256: m.sha256 };
}

const CASES = 12;
const PAGES_PER_CASE = 2;

async function waitUntil<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error('dữ liệu mẫu: bước tự động không xong trong 60 giây (worker có chạy không?)');
    await new Promise((r) => setTimeout(r, 150));
  }
}
