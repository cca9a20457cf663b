import type { Client } from '@temporalio/client';
import { Readable } from 'node:stream';
import { intakeC06Batch } from '../../activities/c06';
import type { ArtifactStore } from '../../clients/storage/types';
import { startBook } from '../../clients/temporal/startBook';
import type { Actor } from '../../domain/actors';
import { bookSchema, workflowIdFor, type Book } from '../../domain/book';
import type { BookStatus } from '../../domain/bookState';
import { findAgency, quangNamUnits } from '../../domain/data/quangNam';
import { actionUpdates, statusQuery } from '../../workflows/definitions';
import type { RegisterType } from '../../domain/registerTypes';
import { days, type PlanSettings } from '../../domain/settings';
import { sampleC06Csv, uploadSampleExcel, uploadSampleScans } from '../../clients/samples';

/** Demo province: a few dozen books of Quảng Nam, at all three levels, several types and periods. */
const DEMO_BOOKS: [agency: string, type: RegisterType, bookNo: string, yearFrom: number, yearTo?: number][] = [
  ['49', 'maritalStatus', '01', 2017], ['49', 'parentChild', '01', 2010], ['49', 'birth', '01', 1995],
  ['49', 'marriage', '01', 1970], ['49', 'adoption', '01', 2003], ['49', 'change', '01', 2016],
  ['502', 'birth', '01', 2017], ['502', 'birth', '02', 2018], ['502', 'death', '01', 2012],
  ['502', 'marriage', '01', 2005, 2006], ['502', 'guardianship', '01', 2017], ['502', 'divorceNote', '01', 2008],
  ['503', 'birth', '01', 1999], ['503', 'maritalStatus', '01', 2016], ['503', 'death', '01', 1988], ['503', 'change', '01', 2014],
  ['506', 'birth', '01', 2016], ['506', 'parentChild', '01', 2001], ['506', 'guardianshipEnd', '01', 2011],
  ['516', 'birth', '01', 2015], ['516', 'death', '01', 2015],
  ['20194', 'birth', '01', 2017], ['20194', 'birth', '01', 2018], ['20194', 'marriage', '01', 2017],
  ['20194', 'death', '01', 2016], ['20194', 'guardianship', '01', 2015],
  ['20197', 'birth', '01', 2019], ['20197', 'death', '01', 2010],
  ['20245', 'birth', '01', 1980], ['20245', 'marriage', '01', 1974], ['20245', 'maritalStatus', '01', 2019],
  ['20290', 'birth', '01', 2002], ['20290', 'adoption', '01', 2009],
  ['20380', 'birth', '01', 2013], ['20380', 'death', '01', 2013],
  ['20899', 'birth', '01', 2018], ['20899', 'parentChild', '01', 2018],
];

export function demoBooks(): Book[] {
  return DEMO_BOOKS.map(([code, type, bookNo, yearFrom, yearTo]) =>
    bookSchema.parse({ agency: findAgency(code), type, bookNo, yearFrom, yearTo: yearTo ?? yearFrom, expectedCases: CASES }),
  );
}

const demoActor = (role: Actor['role'], scope: Actor['scope'], agencyCode: string, userId: string): Actor => ({ userId, role, scope, agencyCode });
const MANAGER = demoActor('manager', 'province', '49', 'quanly.tinh');
const CONTRACTOR = demoActor('contractor', 'province', '49', 'nhathau.a');
const C06 = demoActor('c06', 'province', '49', 'c06.tinh');

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
}

/** Starts the demo books idempotently; only books started now are driven, so a second run changes nothing. */
export async function loadDemo(client: Client, store: ArtifactStore, taskQueue: string, plan: PlanSettings, nowMs: number): Promise<DemoResult> {
  const books = demoBooks();
  let created = 0;
  for (const [i, book] of books.entries()) {
    const deadline = FIRST_WAVE.has(i) ? new Date(nowMs - days(15)).toISOString() : plan.deadline;
    const bookPlan = { ...plan, deadline };
    if ((await startBook(client, taskQueue, book, bookPlan)).result === 'existing') continue;
    created++;
    await drive(client, store, book, STAGES[i % STAGES.length]!);
  }
  return { created, existing: books.length - created };
}

async function drive(client: Client, store: ArtifactStore, book: Book, stage: number): Promise<void> {
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
    () => act('approve', clerk, { note: 'Bản quét đạt yêu cầu' }),
    async () => {
      const st = await handle.query(statusQuery);
      if (st.step === 'excel') await act('excelUploaded', CONTRACTOR, { excelKey: await uploadSampleExcel(store, book, cases) });
      else if (st.step === 'c06') await act('c06Received', C06, await takeC06Batch(store, book, id, cases));
      else await act('manualEntryProgress', clerk, { entered: cases, complete: true });
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
    () => act('approve', MANAGER, { note: 'Nghiệm thu đạt' }),
  ];
  for (const step of steps.slice(0, stage)) await step();
}

/** Runs the commune's C06 hand-back through the real intake; answers the `c06Received` payload. */
async function takeC06Batch(store: ArtifactStore, book: Book, workflowId: string, cases: number) {
  const r = await intakeC06Batch({
    store,
    batch: { source: { stream: Readable.from(sampleC06Csv(book, cases)) }, format: 'csv', fileName: `C06-${book.agency.code}-${book.type}.csv`, type: book.type },
    candidates: [{ workflowId, book }],
    districts: quangNamUnits.districts,
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
