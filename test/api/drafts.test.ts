import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Book } from '../../domain/book';
import { artifactKeys } from '../../domain/naming';
import { sampleCases, sampleExcel, samplePdf } from '../../clients/samples';
import { waitForStatus } from '../support/temporal';
import { CASES, driveTo, freshBook } from './drive';
import { eventually, startApi, type ApiHarness } from './helpers';
import { multipart } from './multipart';

/** Drafts (`submit=false`): two per book, gone 3 s after their upload unless submitted; swept every second. */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({ config: { SOHOA_MAX_DRAFTS_PER_BOOK: '2', SOHOA_DRAFT_TTL_S: '3', SOHOA_DRAFT_SWEEP_S: '1' } });
});
afterAll(async () => h?.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const stored = (b: Book) => h.store.list(artifactKeys(b).prefix);
const excelDraft = async (id: string, b: Book) => {
  const { payload, headers } = multipart([{ filename: 'lan.xlsx', contentType: XLSX, data: await sampleExcel(b, CASES) }]);
  return h.call('contractor', 'PUT', `/api/registers/${id}/excel?submit=false`, payload, headers);
};
const scanDraft = async (id: string, b: Book) => {
  const [c] = sampleCases(b, 1);
  const { payload, headers } = multipart([{ filename: c!.name, contentType: 'application/pdf', data: await samplePdf(c!.name, 1) }]);
  return h.call('contractor', 'PUT', `/api/registers/${id}/scans?submit=false`, payload, headers);
};

describe('drafts (submit=false) obey the step checks of submitted uploads', () => {
  it('refused on a book at inventory, on a book without an Excel step, and on a withdrawn book; nothing is stored', async () => {
    const atInventory = freshBook('maritalStatus');
    const inventoryId = await driveTo(h, atInventory, 'inventory');
    for (const r of [await excelDraft(inventoryId, atInventory), await scanDraft(inventoryId, atInventory)]) {
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().error).toBe('WrongStep');
    }

    // A commune's birth book goes through C06, not Excel.
    const c06Book = freshBook('birth');
    const c06Id = await driveTo(h, c06Book, 'dataWork');
    const noExcel = await excelDraft(c06Id, c06Book);
    expect(noExcel.statusCode, noExcel.body).toBe(409);
    expect(noExcel.json().message).toContain('bước c06');

    const withdrawn = freshBook('maritalStatus');
    const withdrawnId = await driveTo(h, withdrawn, 'scanWork');
    expect((await h.call('manager', 'POST', `/api/registers/${withdrawnId}/actions/withdraw`, { reason: 'sổ trùng' })).statusCode).toBe(200);
    for (const r of [await scanDraft(withdrawnId, withdrawn), await excelDraft(withdrawnId, withdrawn)]) {
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().error).toBe('BookClosed');
    }

    // Only what setting the books up put there (the sample delivery of the C06 book).
    for (const b of [atInventory, c06Book, withdrawn]) {
      expect((await stored(b)).filter((o) => /\/(excel|uploads)\//.test(o.key) && !o.key.includes('/uploads/sample/'))).toEqual([]);
    }
  });

  it('at most SOHOA_MAX_DRAFTS_PER_BOOK drafts per book; a draft not submitted in time is removed with its files, a submitted one stays', async () => {
    const b = freshBook('maritalStatus');
    const id = await driveTo(h, b, 'dataWork');
    const first = await excelDraft(id, b);
    const second = await excelDraft(id, b);
    expect([first.statusCode, second.statusCode], second.body).toEqual([200, 200]);
    const third = await excelDraft(id, b);
    expect(third.statusCode, third.body).toBe(409);
    expect(third.json()).toMatchObject({ error: 'TooManyDrafts', message: expect.stringContaining('SOHOA_MAX_DRAFTS_PER_BOOK') });
    const keys = async () => (await stored(b)).map((o) => o.key).filter((k) => k.includes('/excel/') && k.endsWith('.xlsx'));
    expect((await keys()).sort()).toEqual([first.json().excelKey, second.json().excelKey].sort());

    // The first draft is submitted: it is the book's file now.
    const submitted = await h.call('contractor', 'POST', `/api/registers/${id}/actions/excelUploaded`, { excelKey: first.json().excelKey });
    expect(submitted.statusCode, submitted.body).toBe(200);
    await eventually(keys, (k) => k.length === 1, 10_000);
    expect(await keys()).toEqual([first.json().excelKey]);
    const st = await waitForStatus(h.env.client, id, (s) => s.phase === 'review');
    expect(st.artifacts.find((a) => a.kind === 'excel')?.key).toBe(first.json().excelKey);
  });

  it('scan drafts are removed too, and the quota frees up as they go', async () => {
    const b = freshBook('maritalStatus');
    const id = await driveTo(h, b, 'scanWork');
    const drafts = [await scanDraft(id, b), await scanDraft(id, b)];
    expect(drafts.map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await scanDraft(id, b)).json().error).toBe('TooManyDrafts');
    const uploads = () => h.store.list(artifactKeys(b).uploads);
    expect((await uploads()).length).toBe(2);
    await eventually(uploads, (u) => u.length === 0, 10_000);
    const again = await scanDraft(id, b);
    expect(again.statusCode, again.body).toBe(200);
    expect(h.logs.lines.some((l) => l.msg === 'dọn bản nháp quá hạn')).toBe(true);
  });
});
