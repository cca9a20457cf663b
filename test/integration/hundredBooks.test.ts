import { describe, expect, it } from 'vitest';
import { startBook } from '../../clients/temporal/startBook';
import type { Actor } from '../../domain/actors';
import { workflowIdFor, type Book } from '../../domain/book';
import { units } from '../support/fixtures';
import { actionUpdates, statusQuery } from '../../workflows/definitions';
import { registerTypes } from '../../domain/registerTypes';
import { planSettingsSchema } from '../../domain/settings';
import { book } from '../support/fixtures';
import { useWorkerEnv, waitForStatus } from '../support/temporal';
import { sampleC06Csv, uploadSampleExcel, uploadSampleScans } from '../../clients/samples';
import { intakeC06Batch } from '../../activities/c06';
import { Readable } from 'node:stream';
import type { BookStatus } from '../../domain/bookState';

const t = useWorkerEnv();

const future = '2099-01-01T00:00:00+07:00';
const past = '2025-01-01T00:00:00+07:00';
const admin: Actor = { userId: 'admin', role: 'admin', scope: 'province', agencyCode: '49' };

const start = (b: Book, deadline: string) => startBook(t.env.client, t.taskQueue, b, planSettingsSchema.parse({ deadline }));

const act = (id: string, action: keyof typeof actionUpdates, payload: unknown = {}) =>
  t.env.client.workflow.getHandle(id).executeUpdate(actionUpdates[action], { args: [{ actor: admin, payload }] });

async function count(query: string) {
  return (await t.env.client.workflow.count(`TaskQueue = '${t.taskQueue}' AND ${query}`)).count;
}

async function eventually(fn: () => Promise<void>) {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** 100 books: agencies of all three levels, all ten types, years across the five periods. */
const years = [1970, 1985, 2001, 2010, 2017];
const agencies = units.agencies.filter((a) => ['49', '502', '503', '20335', '20398'].includes(a.code));
const books: Book[] = [];
for (let i = 0; books.length < 100; i++) {
  const a = agencies[i % agencies.length]!;
  const type = registerTypes[Math.floor(i / agencies.length) % registerTypes.length]!;
  const y = years[Math.floor(i / (agencies.length * registerTypes.length)) % years.length]!;
  books.push(book({ agencyCode: a.code, type, bookNo: String(1 + Math.floor(i / 50)), yearFrom: y, yearTo: y, expectedCases: 10 + (i % 7) }));
}

describe('100 books on the real dev server', () => {
  it('start, drive, and find them by every search attribute', async () => {
    // Every fifth book is already past its deadline.
    expect((await Promise.all(books.map((b, i) => start(b, i % 5 === 0 ? past : future)))).every((r) => r.result === 'created')).toBe(true);
    expect(new Set(books.map(workflowIdFor)).size).toBe(100);

    // Starting the same book twice is a no-op.
    expect(await start(books[0]!, future)).toEqual({ id: workflowIdFor(books[0]!), result: 'existing' });
    expect((await t.env.client.workflow.getHandle(workflowIdFor(books[0]!)).query(statusQuery)).deadline).toBe(past);

    // Drive with real files: a third past inventory, a third through scans, a tenth to done.
    const ids = books.map(workflowIdFor);
    const cases = 12;
    const reach = (id: string, pred: (s: BookStatus) => boolean) => waitForStatus(t.env.client, id, pred);
    await Promise.all(
      ids.map(async (id, i) => {
        const b = books[i]!;
        if (i % 3 === 0) return;
        await act(id, 'confirmInventory', { cases, pages: cases, condition: 'good' });
        if (i % 3 === 1) return;
        await act(id, 'scansUploaded', { uploadPrefix: await uploadSampleScans(t.deps.store, b, cases, 1) });
        await reach(id, (s) => s.phase === 'review');
        await act(id, 'approve');
        if (i % 10 !== 2) return;
        const st = await reach(id, (s) => s.phase === 'work');
        if (st.step === 'excel') {
          await act(id, 'excelUploaded', { excelKey: await uploadSampleExcel(t.deps.store, b, cases) });
          await reach(id, (s) => s.phase === 'review');
          await act(id, 'approve');
        } else if (st.step === 'c06') {
          // C06's hand-back through the real intake; the rows it flags, the clerk keeps as the book has them.
          const batch = { source: { stream: Readable.from([sampleC06Csv(b, cases)]) }, format: 'csv' as const, fileName: 'c06.csv' };
          const r = await intakeC06Batch({ store: t.deps.store, batch, candidates: [{ workflowId: id, book: b }], districts: units.districts });
          const m = r.matched[0]!;
          await act(id, 'c06Received', { batchRef: r.batchRef, records: m.rows, rowsKey: m.key, sha256: m.sha256 });
          if ((await reach(id, (s) => s.phase === 'work' || s.phase === 'review')).phase === 'work') await act(id, 'c06RowsConfirmed', { reason: 'đã đối chiếu sổ gốc' });
          await act(id, 'approve');
        } else {
          await act(id, 'manualEntryProgress', { entered: cases, complete: true });
        }
        const next = await reach(id, (s) => s.phase === 'work' || s.phase === 'review');
        if (next.step === 'import') await act(id, 'importConfirmed', { imported: cases, failed: 0 });
        await reach(id, (s) => s.step === 'acceptance' && s.phase === 'review');
        await act(id, 'approve');
      }),
    );

    const statuses = await Promise.all(ids.map((id) => t.env.client.workflow.getHandle(id).query(statusQuery)));
    const stepOf = (i: number) => statuses[i]!.step;
    expect(stepOf(0)).toBe('inventory');
    expect(stepOf(1)).toBe('scan');
    expect(statuses.filter((s) => s.step === 'done').length).toBe(ids.filter((_, i) => i % 3 === 2 && i % 10 === 2).length);
    for (const s of statuses) expect(s.overdue).toBe(s.step !== 'done' && s.deadline === past);

    const expectCount = (pred: (b: Book, i: number) => boolean) => books.filter(pred).length;
    await eventually(async () => {
      expect(await count(`SohoaStep = 'done'`)).toBe(statuses.filter((s) => s.step === 'done').length);
      expect(await count(`SohoaStep = 'inventory'`)).toBe(statuses.filter((s) => s.step === 'inventory').length);
      expect(await count(`SohoaStep = 'c06'`)).toBe(statuses.filter((s) => s.step === 'c06').length);
      expect(await count(`SohoaOverdue = true`)).toBe(statuses.filter((s) => s.overdue).length);
      expect(await count(`SohoaAwaitingHuman = false`)).toBe(statuses.filter((s) => s.step === 'done').length);
    });
    expect(await count(`SohoaAgency = '20335'`)).toBe(expectCount((b) => b.agency.code === '20335'));
    expect(await count(`SohoaDistrict = '502'`)).toBe(expectCount((b) => b.agency.districtCode === '502'));
    expect(await count(`SohoaLevel = 'commune'`)).toBe(expectCount((b) => b.agency.level === 'commune'));
    expect(await count(`SohoaRegisterType = 'birth'`)).toBe(expectCount((b) => b.type === 'birth'));
    expect(await count(`SohoaPeriod = 'p1976'`)).toBe(expectCount((b) => b.yearFrom === 1985));
    expect(await count(`SohoaYearFrom >= 2001`)).toBe(expectCount((b) => b.yearFrom >= 2001));
    expect(await count(`SohoaDeadline < '2030-01-01T00:00:00Z'`)).toBe(expectCount((_, i) => i % 5 === 0));
    expect(await count(`SohoaRecordCount = 12`)).toBe(statuses.filter((s) => s.counts.inventoryCases === 12).length);

    // List results carry the memo: counts and the actions awaited, without a query per book.
    const listed = [];
    for await (const wf of t.env.client.workflow.list({ query: `TaskQueue = '${t.taskQueue}' AND SohoaStep = 'scan'` })) listed.push(wf);
    expect(listed.length).toBe(statuses.filter((s) => s.step === 'scan').length);
    expect(listed[0]!.memo).toMatchObject({ phase: 'work', pendingActions: expect.arrayContaining(['scansUploaded']), counts: { inventoryPages: cases } });
  }, 240_000);
});
