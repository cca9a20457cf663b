import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { ActionName } from '../../domain/actions';
import { workflowIdFor, type Book } from '../../domain/book';
import { actionUpdates, statusQuery, WORKFLOW_TYPE } from '../../workflows/definitions';
import { book, input, users, units } from '../support/fixtures';
import { useWorkerEnv, waitForStatus } from '../support/temporal';
import { Readable } from 'node:stream';
import { intakeC06Batch } from '../../activities/c06';
import type { Actor } from '../../domain/actors';
import type { BookStatus } from '../../domain/bookState';
import { sampleC06Csv, uploadSampleExcel, uploadSampleScans } from '../../clients/samples';
import type { registerDigitization } from '../../workflows/registerDigitization';

const t = useWorkerEnv();

const future = '2099-01-01T00:00:00+07:00';

async function start(b: Book) {
  return t.env.client.workflow.start<typeof registerDigitization>(WORKFLOW_TYPE, { taskQueue: t.taskQueue, workflowId: workflowIdFor(b), args: [input(b, { deadline: future })] });
}

function act(id: string, action: ActionName, actor: Actor, payload: unknown = {}) {
  return t.env.client.workflow.getHandle(id).executeUpdate(actionUpdates[action], { args: [{ actor, payload }] });
}

const waitFor = (id: string, pred: (s: BookStatus) => boolean) => waitForStatus(t.env.client, id, pred);

async function refusalType(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((e as WorkflowUpdateFailedError).cause as { type?: string }).type;
  }
}

describe('the full path of each plan kind', () => {
  it('excel path (birth book at a district): inventory → scan → excel → import → acceptance → done', async () => {
    const b = book({ agencyCode: '502', bookNo: '03' });
    const h = await start(b);
    const { clerk: _c, districtClerk: clerk, contractor, manager } = users;
    await act(h.workflowId, 'confirmInventory', clerk, { cases: 40, pages: 80, condition: 'worn' });
    const uploadPrefix = await uploadSampleScans(t.deps.store, b, 40);
    await act(h.workflowId, 'scansUploaded', contractor, { uploadPrefix });
    // packageScans runs between the upload and the review.
    let st = await waitFor(h.workflowId, (s) => s.phase === 'review');
    expect(st.counts).toMatchObject({ pdfs: 40, pages: 80 });
    expect(st.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['upload', 'zip', 'manifest', 'checksums']));
    expect(st.artifacts.find((a) => a.kind === 'zip')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    await act(h.workflowId, 'approve', clerk);
    await act(h.workflowId, 'excelUploaded', contractor, { excelKey: await uploadSampleExcel(t.deps.store, b, 40) });
    st = await waitFor(h.workflowId, (s) => s.phase === 'review');
    expect(st.counts.excelRows).toBe(40);
    expect(st.problems).toEqual([]);
    await act(h.workflowId, 'approve', clerk);
    // The outbox gateway writes the import package and waits for the clerk's confirmation.
    st = await waitFor(h.workflowId, (s) => s.step === 'import' && s.phase === 'work');
    expect(st.artifacts.find((a) => a.kind === 'importPackage')?.key).toMatch(/import/);
    await act(h.workflowId, 'importConfirmed', clerk, { imported: 40, failed: 0 });
    st = await waitFor(h.workflowId, (s) => s.phase === 'review');
    expect(st.problems).toEqual([]);
    st = await act(h.workflowId, 'approve', manager, { note: 'đạt' });
    expect(st.step).toBe('done');
    const result = await h.result();
    expect(result.step).toBe('done');
    expect(result.counts).toMatchObject({ inventoryCases: 40, inventoryPages: 80, pdfs: 40, excelRows: 40, imported: 40 });
    expect(result.reviews.map((r) => [r.step, r.decision, r.userId])).toEqual([
      ['scan', 'approved', clerk.userId],
      ['excel', 'approved', clerk.userId],
      ['acceptance', 'approved', manager.userId],
    ]);
    expect(Object.keys(result.stepTimes)).toEqual(['inventory', 'scan', 'excel', 'import', 'acceptance', 'done']);
  });

  it('c06 path (birth book at a commune) and manual entry path (guardianship)', async () => {
    const c = await start(book({ bookNo: '04' }));
    await act(c.workflowId, 'confirmInventory', users.clerk, { cases: 10, pages: 20, condition: 'good' });
    await act(c.workflowId, 'scansUploaded', users.contractor, { uploadPrefix: await uploadSampleScans(t.deps.store, book({ bookNo: '04' }), 10) });
    await waitFor(c.workflowId, (s) => s.phase === 'review');
    await act(c.workflowId, 'approve', users.clerk);
    expect((await c.query(statusQuery)).step).toBe('c06');
    // The commune police's hand-back goes through the real C06 intake; its rows become the book's Excel.
    const cb = book({ bookNo: '04' });
    const batch = await intakeC06Batch({
      store: t.deps.store,
      batch: { source: { stream: Readable.from(sampleC06Csv(cb, 10)) }, format: 'csv', fileName: 'C06-20335.csv', type: 'birth' },
      candidates: [{ workflowId: c.workflowId, book: cb }],
      districts: units.districts,
    });
    expect(batch.matched.map((m) => [m.workflowId, m.rows])).toEqual([[c.workflowId, 10]]);
    const mine = batch.matched[0]!;
    await act(c.workflowId, 'c06Received', users.c06, { batchRef: batch.batchRef, records: mine.rows, rowsKey: mine.key, sha256: mine.sha256 });
    // Checked like an Excel upload against the scans: clean, so straight to review.
    const checked = await waitFor(c.workflowId, (s) => s.step === 'c06' && s.phase !== 'processing');
    expect([checked.phase, checked.problems]).toEqual(['review', []]);
    await act(c.workflowId, 'approve', users.clerk);
    const imp = await waitFor(c.workflowId, (s) => s.step === 'import' && s.phase === 'work');
    expect(imp.artifacts.find((a) => a.kind === 'importPackage')?.key).toMatch(/import/);
    await act(c.workflowId, 'importConfirmed', users.clerk, { imported: 9, failed: 1 });
    // Acceptance lists the mismatches (10 rows, 9 imported, 1 failed) for the reviewer, who accepts anyway.
    const acc = await waitFor(c.workflowId, (s) => s.phase === 'review');
    expect(acc.problems.map((p) => p.message)).toEqual([
      'số bản ghi đã nhập CSDLHTĐT (9) khác số dòng dữ liệu C06 (10)',
      '1 bản ghi nhập CSDLHTĐT không thành công',
    ]);
    await act(c.workflowId, 'approve', users.manager);
    expect((await c.result()).counts).toMatchObject({ c06Rows: 10, imported: 9, importFailed: 1 });

    const mb = book({ type: 'guardianship', bookNo: '01' });
    const m = await start(mb);
    await act(m.workflowId, 'confirmInventory', users.clerk, { cases: 5, pages: 5, condition: 'good' });
    await act(m.workflowId, 'scansUploaded', users.contractor, { uploadPrefix: await uploadSampleScans(t.deps.store, mb, 5, 1) });
    await waitFor(m.workflowId, (s) => s.phase === 'review');
    await act(m.workflowId, 'approve', users.clerk);
    await act(m.workflowId, 'manualEntryProgress', users.clerk, { entered: 2 });
    await act(m.workflowId, 'manualEntryProgress', users.clerk, { entered: 5, complete: true });
    let st = await waitFor(m.workflowId, (s) => s.step === 'acceptance' && s.phase === 'review');
    expect(st.problems).toEqual([]);
    st = await act(m.workflowId, 'approve', users.manager);
    expect(st.plan).toEqual(['inventory', 'scan', 'manualEntry', 'acceptance', 'done']);
    expect((await m.result()).counts.manualEntered).toBe(5);
  });

  it('a rejection sends the book back with its reasons; withdrawal closes it', async () => {
    const b = book({ bookNo: '05' });
    const h = await start(b);
    await act(h.workflowId, 'confirmInventory', users.clerk, { cases: 3, pages: 6, condition: 'damaged', repairNeeded: true });
    await act(h.workflowId, 'scansUploaded', users.contractor, { uploadPrefix: await uploadSampleScans(t.deps.store, b, 3) });
    await waitFor(h.workflowId, (s) => s.phase === 'review');
    const st = await act(h.workflowId, 'reject', users.clerk, { reasons: ['trang 3 bị mờ', 'thiếu trường hợp 02'] });
    expect(st.step).toBe('scan');
    expect(st.phase).toBe('work');
    expect(st.problems.map((p) => p.message)).toEqual(['trang 3 bị mờ', 'thiếu trường hợp 02']);
    const w = await act(h.workflowId, 'withdraw', users.manager, { reason: 'sổ trùng với sổ 01' });
    expect(w.step).toBe('withdrawn');
    expect((await h.result()).withdrawn).toMatchObject({ userId: users.manager.userId, reason: 'sổ trùng với sổ 01' });
  });
});

describe('automatic steps', () => {
  it('a delivery with a missing case goes back to the contractor with the problem named', async () => {
    const b = book({ agencyCode: '502', bookNo: '07' });
    const h = await start(b);
    await act(h.workflowId, 'confirmInventory', users.districtClerk, { cases: 4, pages: 8, condition: 'good' });
    // The contractor delivers 3 of the 4 cases counted at inventory.
    await act(h.workflowId, 'scansUploaded', users.contractor, { uploadPrefix: await uploadSampleScans(t.deps.store, b, 3) });
    const st = await waitFor(h.workflowId, (s) => s.problems.length > 0);
    expect([st.step, st.phase]).toEqual(['scan', 'work']);
    expect(st.problems.map((p) => p.message).join('\n')).toMatch(/04/);
    expect(st.artifacts.some((a) => a.kind === 'zip')).toBe(false);
  });

  it('an Excel file that does not match the scans goes back with its problems and an annotated copy', async () => {
    const b = book({ agencyCode: '502', bookNo: '08' });
    const h = await start(b);
    await act(h.workflowId, 'confirmInventory', users.districtClerk, { cases: 5, pages: 10, condition: 'good' });
    await act(h.workflowId, 'scansUploaded', users.contractor, { uploadPrefix: await uploadSampleScans(t.deps.store, b, 5) });
    await waitFor(h.workflowId, (s) => s.phase === 'review');
    await act(h.workflowId, 'approve', users.districtClerk);
    // A transcription of 4 rows for 5 PDFs.
    await act(h.workflowId, 'excelUploaded', users.contractor, { excelKey: await uploadSampleExcel(t.deps.store, b, 4) });
    const st = await waitFor(h.workflowId, (s) => s.problems.length > 0);
    expect([st.step, st.phase]).toEqual(['excel', 'work']);
    expect(st.counts.excelRows).toBe(4);
    expect(st.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['excelProblems', 'excelAnnotated']));
  });
});

describe('updates rejected before they enter history', () => {
  it('wrong step, wrong role, wrong agency, bad payload', async () => {
    const h = await start(book({ bookNo: '06' }));
    const id = h.workflowId;
    expect(await refusalType(act(id, 'approve', users.clerk))).toBe('WrongStep');
    expect(await refusalType(act(id, 'scansUploaded', users.contractor, { uploadPrefix: 'a' }))).toBe('WrongStep');
    expect(await refusalType(act(id, 'confirmInventory', users.auditor, { cases: 1, pages: 1, condition: 'good' }))).toBe('Forbidden');
    expect(await refusalType(act(id, 'confirmInventory', users.otherClerk, { cases: 1, pages: 1, condition: 'good' }))).toBe('Forbidden');
    expect(await refusalType(act(id, 'confirmInventory', users.clerk, { cases: -1, pages: 1, condition: 'good' }))).toBe('InvalidPayload');
    expect(await refusalType(act(id, 'withdraw', users.clerk, { reason: 'không' }))).toBe('Forbidden');
    const history = await h.fetchHistory();
    const updates = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
    expect(updates).toHaveLength(0);
    const st = await h.query(statusQuery);
    expect(st.step).toBe('inventory');
    expect(st.actions).toHaveLength(0);
  });
});
