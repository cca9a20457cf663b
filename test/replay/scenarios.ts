import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { ArtifactStore } from '../../clients/storage/types';
import { startRequestOf } from '../../clients/temporal/startBook';
import type { Actor } from '../../domain/actors';
import { workflowIdFor, type Book } from '../../domain/book';
import { applyAction, initialState, type BookStatus } from '../../domain/bookState';
import { actionUpdates, statusQuery, WORKFLOW_TYPE } from '../../workflows/definitions';
import { artifactKeys } from '../../domain/naming';
import { planSettingsSchema, TIME_ZONE, type PlanSettings } from '../../domain/settings';
import { SCHEDULES, type WorkflowInputV1 as WorkflowInput } from '../../contracts/v1';
import { sampleC06Csv, uploadSampleExcel, uploadSampleScans } from '../../clients/samples';
import { intakeC06Batch } from '../../activities/c06';
import { Readable } from 'node:stream';
import { book, input, units, users } from '../support/fixtures';
import { waitForStatus } from '../support/temporal';

/**
 * Where a scenario is recorded: the dev server (`dev`), the dev server suggesting continue-as-new
 * after a few events (`devShortHistory`), or the time-skipping server for timers across months (`skip`).
 * `http` imports through the national endpoint (which fails its first calls) instead of the outbox.
 */
export type Server = 'dev' | 'devShortHistory' | 'skip';

export interface Ctx {
  act: (action: keyof typeof actionUpdates, actor: Actor, payload?: unknown) => Promise<unknown>;
  /** Waits for the automatic step to hand the book back to a person. */
  settled: () => Promise<BookStatus>;
  scans: (cases: number) => Promise<string>;
  excel: (cases: number) => Promise<string>;
  /** C06 hands back the book's cases (the registration date of `undated` left blank): the `c06Received` payload. */
  c06: (cases: number, undated?: number) => Promise<{ batchRef: string; records: number; rowsKey: string; sha256: string }>;
  /** Workflow time passes (skipped on the time-skipping server). */
  sleep: (ms: number) => Promise<void>;
  /** The book's files become unreachable, or reachable again. */
  breakStore: (broken: boolean) => void;
  /** Waits until the book is marked failing. */
  failing: () => Promise<BookStatus>;
  /** Waits until the book's activity has failed once and waits for its next attempt. */
  retrying: () => Promise<void>;
}

export interface Scenario {
  name: string;
  server: Server;
  gateway?: 'outbox' | 'http';
  book: Book;
  plan: (now: number) => Partial<PlanSettings>;
  /** A book handed over by an earlier run instead of a fresh start. */
  start?: (b: Book, now: number) => Pick<WorkflowInput, 'carried' | 'automations'>;
  drive: (c: Ctx) => Promise<void>;
}

const DAY = 86_400_000;
const far = () => ({ deadline: '2099-01-01T00:00:00+07:00' });

/** A district's book of 3 cases scanned, transcribed and both approved, until its import is done. */
async function scannedAndTranscribed({ act, settled, scans, excel }: Ctx): Promise<void> {
  await act('confirmInventory', users.districtClerk, { cases: 3, pages: 6, condition: 'good' });
  await act('scansUploaded', users.contractor, { uploadPrefix: await scans(3) });
  await settled();
  await act('approve', users.districtClerk);
  await act('excelUploaded', users.contractor, { excelKey: await excel(3) });
  await settled();
  await act('approve', users.districtClerk);
  await settled();
}

/** Inventory, then a delivery the store cannot serve: packaging fails until the store is back. */
async function deliverWhileStoreDown({ act, scans, breakStore }: Ctx): Promise<void> {
  await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
  const uploadPrefix = await scans(2);
  breakStore(true);
  await act('scansUploaded', users.contractor, { uploadPrefix });
}

function withdrawnWhileFailing(name: string, bookNo: string, wait: 'failing' | 'retrying'): Scenario {
  return {
    name,
    server: 'skip',
    book: book({ bookNo }),
    plan: far,
    drive: async (c) => {
      await deliverWhileStoreDown(c);
      await c[wait]();
      await c.act('withdraw', users.manager, { reason: 'Sổ hỏng, không quét được' });
      c.breakStore(false);
    },
  };
}

/** Books driven to the ends and through the paths auditors care about; their histories are replayed in CI. */
export const scenarios: Scenario[] = [
  {
    name: 'completed-excel',
    server: 'dev',
    book: book({ agencyCode: '502', bookNo: '31' }),
    plan: far,
    drive: async (c) => {
      const { act, settled } = c;
      await scannedAndTranscribed(c);
      await act('importConfirmed', users.districtClerk, { imported: 3, failed: 0 });
      await settled();
      await act('approve', users.manager, { note: 'Đạt yêu cầu' });
    },
  },
  {
    name: 'rejected-then-completed-manual',
    server: 'dev',
    book: book({ type: 'guardianship', bookNo: '32' }),
    plan: far,
    drive: async ({ act, settled, scans }) => {
      await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'worn' });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(1) });
      await settled(); // one case missing: back to the contractor
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(2) });
      await settled();
      await act('reject', users.clerk, { reasons: ['Trang 2 bị mờ, quét lại'] });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(2) });
      await settled();
      await act('approve', users.clerk);
      await act('manualEntryProgress', users.clerk, { entered: 1 });
      await act('manualEntryProgress', users.clerk, { entered: 2, complete: true });
      await settled();
      await act('reject', users.manager, { reasons: ['Thiếu 1 trường hợp'], backTo: 'manualEntry' });
      await act('manualEntryProgress', users.clerk, { entered: 2, complete: true });
      await settled();
      await act('approve', users.manager);
    },
  },
  {
    name: 'withdrawn',
    server: 'dev',
    book: book({ type: 'death', bookNo: '33' }),
    plan: far,
    drive: async ({ act }) => {
      await act('setPriority', users.manager, { priority: 1 });
      await act('withdraw', users.manager, { reason: 'Sổ trùng, đã số hóa ở cấp huyện' });
    },
  },
  {
    name: 'overdue-extended-c06',
    server: 'dev',
    book: book({ type: 'marriage', bookNo: '34', yearFrom: 2005, yearTo: 2006 }),
    plan: () => ({ deadline: '2025-01-01T00:00:00+07:00' }),
    drive: async ({ act, settled, scans, c06 }) => {
      await act('confirmInventory', users.clerk, { cases: 4, pages: 8, condition: 'damaged', repairNeeded: true });
      await act('extendDeadline', users.manager, { deadline: '2099-03-12T00:00:00+07:00', reason: 'Kế hoạch lùi' });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(4) });
      await settled();
      await act('approve', users.clerk);
      await act('c06Received', users.c06, await c06(4));
      await settled();
      await act('approve', users.clerk);
    },
  },
  {
    // A C06 row without its registration date: the book waits for the clerk, who keeps it as the book has it.
    name: 'c06-flagged-confirmed',
    server: 'dev',
    book: book({ type: 'marriage', bookNo: '45', yearFrom: 2005, yearTo: 2006 }),
    plan: far,
    drive: async ({ act, settled, scans, c06 }) => {
      await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(2) });
      await settled();
      await act('approve', users.clerk);
      await act('c06Received', users.c06, await c06(2, 2));
      await settled();
      await act('c06RowsConfirmed', users.clerk, { reason: 'Sổ gốc không ghi ngày đăng ký ở trường hợp này' });
      await act('approve', users.clerk);
    },
  },
  {
    // Timers: the 30- and 7-day reminders, waiting reminders, the overdue mark, a manager's extension.
    name: 'reminders-waiting-overdue-extended',
    server: 'skip',
    book: book({ bookNo: '35' }),
    plan: (now) => ({ deadline: new Date(now + 40 * DAY).toISOString(), waitReminderDays: 10 }),
    drive: async ({ act, sleep }) => {
      await sleep(11 * DAY); // waiting reminder (day 10), 30-day reminder (day 10)
      await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
      await sleep(25 * DAY); // waiting reminder at scan (day 21, 31), 7-day reminder (day 33)
      await sleep(6 * DAY); // overdue (day 40)
      await act('extendDeadline', users.manager, { deadline: new Date(Date.parse('2099-01-01')).toISOString(), reason: 'Kế hoạch lùi đến 12/3/2025' });
      await sleep(DAY);
      await act('withdraw', users.manager, { reason: 'Sổ chuyển sang kế hoạch năm sau' });
    },
  },
  {
    name: 'failing-then-healed',
    server: 'skip',
    book: book({ bookNo: '36' }),
    plan: far,
    drive: async (c) => {
      const { act, settled, sleep, breakStore, failing } = c;
      await deliverWhileStoreDown(c);
      await failing();
      await sleep(10 * 60_000); // more rounds
      breakStore(false);
      await sleep(2 * 3_600_000);
      await settled();
      await act('approve', users.clerk);
    },
  },
  // Withdrawn between failing rounds (the pause is cancelled), or while Temporal retries (the activity is).
  withdrawnWhileFailing('failing-then-withdrawn', '37', 'failing'),
  withdrawnWhileFailing('withdrawn-while-retrying', '42', 'retrying'),
  {
    name: 'excel-invalid-then-fixed',
    server: 'dev',
    book: book({ agencyCode: '502', bookNo: '38' }),
    plan: far,
    drive: async ({ act, settled, scans, excel }) => {
      await act('confirmInventory', users.districtClerk, { cases: 3, pages: 6, condition: 'good' });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(3) });
      await settled();
      await act('approve', users.districtClerk);
      await act('excelUploaded', users.contractor, { excelKey: await excel(2) }); // a case missing: back with problems
      await settled();
      await act('excelUploaded', users.contractor, { excelKey: await excel(3) });
      await settled();
      await act('approve', users.districtClerk);
      await settled();
    },
  },
  {
    name: 'http-import-retried-completed',
    server: 'dev',
    gateway: 'http',
    book: book({ agencyCode: '502', bookNo: '39' }),
    plan: far,
    drive: async (c) => {
      await scannedAndTranscribed(c); // the endpoint fails its first calls: Temporal retries the import, same idempotency key
      await c.act('approve', users.manager, { note: 'Đạt' });
    },
  },
  {
    name: 'continued-as-new',
    server: 'devShortHistory',
    book: book({ type: 'change', bookNo: '40' }),
    plan: far,
    drive: async ({ act, settled, scans }) => {
      for (let n = 1; n <= 12; n++) await act('setPriority', users.manager, { priority: n % 2 ? 4 : 2 });
      await act('confirmInventory', users.clerk, { cases: 2, pages: 2, condition: 'good' });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(2) });
      await settled();
    },
  },
  {
    // The 2025 reorganisation: a commune's book handed to the commune that took it over, finished there.
    name: 'handed-over-completed-manual',
    server: 'dev',
    book: book({ type: 'guardianship', bookNo: '43' }),
    plan: far,
    drive: async ({ act, settled, scans }) => {
      await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
      await act('changeCustodian', users.manager, { to: units.findCustodian('n20335'), reason: 'Bàn giao theo sắp xếp đơn vị hành chính từ 1/7/2025' });
      await act('scansUploaded', users.clerk2025, { uploadPrefix: await scans(2) });
      await settled();
      await act('approve', users.clerk2025);
      await act('manualEntryProgress', users.clerk2025, { entered: 2, complete: true });
      await settled();
      await act('approve', users.manager2025, { note: 'Đạt' });
    },
  },
  {
    // The plan's deadline moved into the past (the storm of a province): overdue at once, then extended.
    name: 'plan-deadline-passed',
    server: 'dev',
    book: book({ type: 'death', bookNo: '46' }),
    plan: far,
    drive: async ({ act }) => {
      await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
      await act('setPlanDeadline', users.manager, { deadline: new Date(Date.now() - DAY).toISOString(), reason: 'Hạn kế hoạch đã qua' });
      await act('extendDeadline', users.manager, { deadline: '2099-03-12T00:00:00+07:00', reason: 'Sổ cần phục chế' });
      await act('withdraw', users.manager, { reason: 'Sổ chuyển sang kế hoạch năm sau' });
    },
  },
  {
    // A book that follows the province plan: no deadline timer of its own, a waiting reminder, an
    // extension; then a plan deadline of its own, which it keeps with its timer, and passes.
    name: 'follows-plan',
    server: 'skip',
    book: book({ type: 'death', bookNo: '47' }),
    plan: (now) => ({ deadline: new Date(now + 10 * DAY).toISOString(), followsPlan: true }),
    drive: async ({ act, sleep }) => {
      await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'good' });
      await sleep(20 * DAY);
      await act('extendDeadline', users.manager, { deadline: '2099-03-12T00:00:00+07:00', reason: 'Sổ cần phục chế' });
      await act('setPlanDeadline', users.manager, { deadline: '2099-01-01T00:00:00+07:00', reason: 'Hạn riêng của sổ' });
      await act('withdraw', users.manager, { reason: 'Sổ chuyển sang kế hoạch năm sau' });
    },
  },
  {
    // Handed over twice (to the 2025 Sở, then on to a commune); its overdue notice goes to the holder.
    name: 'handed-over-overdue',
    server: 'skip',
    book: book({ agencyCode: '49', type: 'change', bookNo: '44' }),
    plan: (now) => ({ deadline: new Date(now + 10 * DAY).toISOString() }),
    drive: async ({ act, sleep }) => {
      await act('changeCustodian', users.manager, { to: units.findCustodian('n48'), reason: 'Sở Tư pháp Quảng Nam nhập vào Sở Tư pháp Đà Nẵng' });
      await act('changeCustodian', users.manager2025, { to: units.findCustodian('n20335'), reason: 'Giao phường lưu trữ' });
      await sleep(11 * DAY);
      await act('withdraw', users.manager2025, { reason: 'Sổ chuyển sang kế hoạch năm sau' });
    },
  },
  {
    // Started before packaging existed (its first run carried no automations): stays on the manual path.
    name: 'pre-patch-continued-as-new',
    server: 'devShortHistory',
    book: book({ type: 'change', bookNo: '41' }),
    plan: far,
    start: (b, now) => {
      const at = new Date(now).toISOString();
      const carried = initialState(b, planSettingsSchema.parse(far()), at);
      applyAction(carried, { action: 'confirmInventory', payload: { cases: 2, pages: 2, condition: 'good', repairNeeded: false } }, users.clerk, at);
      // A book of that time: started before code version 2 too.
      return { carried, automations: [], codeVersion: undefined };
    },
    drive: async ({ act, scans }) => {
      for (let n = 1; n <= 12; n++) await act('setPriority', users.manager, { priority: n % 2 ? 4 : 2 });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(2) });
      await act('approve', users.clerk);
    },
  },
];

/** The schedules' workflows (one activity each), recorded on the dev server after the books. */
export const scheduled = [
  { name: 'scheduled-overdue-digest', workflowType: SCHEDULES.overdueDigest.workflowType, args: [{ timeZone: TIME_ZONE, listed: 2 }] },
  { name: 'scheduled-weekly-report', workflowType: SCHEDULES.weeklyReport.workflowType, args: [{ timeZone: TIME_ZONE }] },
];

export interface ScenarioEnv {
  client: Client;
  taskQueue: string;
  store: ArtifactStore;
  now: () => Promise<number>;
  sleep: (ms: number) => Promise<void>;
  breakStore: (prefix: string, broken: boolean) => void;
}

export async function runScenario(e: ScenarioEnv, s: Scenario): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const id = workflowIdFor(s.book);
  const now = await e.now();
  // Started as the API starts books (its whole state published by the start request), unless the
  // scenario stands for a book of an older time.
  const request = s.start
    ? { workflowId: id, args: [{ ...input(s.book, s.plan(now)), ...s.start(s.book, now) }] }
    : startRequestOf(s.book, planSettingsSchema.parse(s.plan(now)), 3, new Date(now));
  const handle = await e.client.workflow.start(WORKFLOW_TYPE, { ...request, taskQueue: e.taskQueue });
  const { prefix } = artifactKeys(s.book);
  await s.drive({
    act: (action, actor, payload = {}) => e.client.workflow.getHandle(id).executeUpdate(actionUpdates[action], { args: [{ actor, payload }] }),
    settled: () => waitForStatus(e.client, id, (st) => st.phase !== 'processing'),
    scans: (cases) => uploadSampleScans(e.store, s.book, cases),
    excel: (cases) => uploadSampleExcel(e.store, s.book, cases),
    c06: async (cases, undated) => {
      let lines = sampleC06Csv(s.book, cases).toString('utf8').split('\r\n');
      // The samples of some types leave the registration type out: C06 fills it.
      if (!lines[0]!.includes('LOAIDANGKY')) lines = lines.map((l, i) => (l === '' ? l : `${l};${i === 0 ? 'LOAIDANGKY' : '1'}`));
      if (undated !== undefined) {
        const at = lines[0]!.split(';').indexOf('NGAYDANGKY');
        lines[undated] = lines[undated]!.split(';').map((v, i) => (i === at ? '' : v)).join(';');
      }
      const batch = { source: { stream: Readable.from([Buffer.from(lines.join('\r\n'))]) }, format: 'csv' as const, fileName: 'c06.csv' };
      const r = await intakeC06Batch({ store: e.store, batch, candidates: [{ workflowId: id, book: s.book }], districts: units.districts });
      const m = r.matched[0]!;
      return { batchRef: r.batchRef, records: m.rows, rowsKey: m.key, sha256: m.sha256 };
    },
    sleep: e.sleep,
    breakStore: (broken) => e.breakStore(prefix, broken),
    failing: async () => {
      for (let i = 0; i < 30; i++) {
        await e.sleep(60_000);
        const st = await e.client.workflow.getHandle(id).query(statusQuery);
        if (st.failing) return st;
      }
      throw new Error(`${id}: never marked failing`);
    },
    retrying: async () => {
      for (let i = 0; i < 100; i++) {
        const d = await e.client.workflow.getHandle(id).describe();
        if ((d.raw.pendingActivities ?? []).some((p) => (p.attempt ?? 0) >= 2)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${id}: activity never retried`);
    },
  });
  return handle;
}
