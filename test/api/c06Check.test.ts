import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleC06Csv } from '../../clients/samples';
import type { BookStatus } from '../../domain/bookState';
import { waitForStatus } from '../support/temporal';
import { CASES, driveTo, freshBook } from './drive';
import { startApi, type ApiHarness } from './helpers';
import { multipart } from './multipart';

/**
 * A C06 delivery as the commune's clerk meets it, through the API on the dev server: a batch with a
 * row C06 could not fill (no registration date) keeps the book at the C06 step with that row listed,
 * until the clerk confirms it against the original book; a clean batch goes straight to review.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => h?.close());

/** The sample batch of a book's cases, with the registration date of data row `undated` (1-based) left blank. */
function batch(b: ReturnType<typeof freshBook>, undated?: number): Buffer {
  const lines = sampleC06Csv(b, CASES).toString('utf8').split('\r\n');
  if (undated !== undefined) {
    const at = lines[0]!.split(';').indexOf('NGAYDANGKY');
    lines[undated] = lines[undated]!.split(';').map((v, i) => (i === at ? '' : v)).join(';');
  }
  return Buffer.from(lines.join('\r\n'));
}

async function deliver(data: Buffer, filename: string) {
  const { payload, headers } = multipart([{ filename, contentType: 'text/csv', data }]);
  const r = await h.call('c06', 'POST', '/api/c06/batches', payload, headers);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { batchRef: string; matched: { id: string; result: string }[] };
}

const settled = (id: string) => waitForStatus(h.env.client, id, (s) => s.step === 'c06' && s.phase !== 'processing');
const status = async (who: 'clerk' | 'admin', id: string) => (await h.call(who, 'GET', `/api/registers/${id}`)).json() as BookStatus;

describe('C06 rows flagged as doubtful wait for the clerk before review', () => {
  it('a batch with a row without its registration date: the book waits with the row listed; the clerk confirms it with a reason; then review', async () => {
    const b = freshBook('birth');
    const id = await driveTo(h, b, 'dataWork');
    const sent = await deliver(batch(b, 2), 'c06-thieu-ngay.csv');
    expect(sent.matched).toEqual([expect.objectContaining({ id, result: 'done' })]);

    const waiting = await settled(id);
    expect(waiting.phase).toBe('work');
    expect(waiting.pendingActions).toContain('c06RowsConfirmed');
    const listed = waiting.problems.filter((p) => p.step === 'c06').map((p) => p.message);
    // The summary names the batch and the row; the row's line gives the cell, the field and the batch row.
    expect(listed[0]).toContain(sent.batchRef);
    expect(listed[0]).toContain('(dòng 3)');
    expect(listed.slice(1)).toEqual([expect.stringMatching(/^Ô [A-Z]+3 \(ngayDangKy, dòng 3 của lô C06\): thiếu ngày đăng ký; cần đối chiếu sổ gốc$/)]);
    // Review cannot begin before the decision.
    expect((await h.call('clerk', 'POST', `/api/registers/${id}/actions/approve`, {})).statusCode).toBe(409);

    // Another commune's clerk may not decide for this book; a decision needs a reason.
    expect((await h.call('otherClerk', 'POST', `/api/registers/${id}/actions/c06RowsConfirmed`, { reason: 'đã đối chiếu' })).statusCode).toBe(403);
    expect((await h.call('clerk', 'POST', `/api/registers/${id}/actions/c06RowsConfirmed`, {})).statusCode).toBe(400);

    const confirmed = await h.call('clerk', 'POST', `/api/registers/${id}/actions/c06RowsConfirmed`, { reason: 'Sổ gốc không ghi ngày đăng ký' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const st = await status('clerk', id);
    expect([st.step, st.phase]).toEqual(['c06', 'review']);
    expect(st.problems.filter((p) => p.step === 'c06')).toEqual([]);
    // The decision stays on the book, with who took it, what it kept and why.
    expect(st.notes).toEqual([
      expect.objectContaining({ userId: 'congchuc.tanthanh', role: 'clerk', step: 'c06', text: expect.stringMatching(/^Giữ nguyên theo sổ gốc: .*\(dòng 3\)\..*Lý do: Sổ gốc không ghi ngày đăng ký$/) }),
    ]);
    const timeline = (await h.call('admin', 'GET', `/api/registers/${id}/history`)).json() as { entries: { action?: string; actor: { userId: string } | null; payload?: unknown }[] };
    expect(timeline.entries).toContainEqual(
      expect.objectContaining({ action: 'c06RowsConfirmed', actor: expect.objectContaining({ userId: 'congchuc.tanthanh' }), payload: { reason: 'Sổ gốc không ghi ngày đăng ký' } }),
    );
    // Nothing left to confirm: a second decision is refused.
    expect((await h.call('clerk', 'POST', `/api/registers/${id}/actions/c06RowsConfirmed`, { reason: 'lần nữa' })).statusCode).toBe(409);
  });

  it('a clean batch goes to review directly, with nothing to confirm', async () => {
    const b = freshBook('birth');
    const id = await driveTo(h, b, 'dataWork');
    await deliver(batch(b), 'c06-sach.csv');
    const st = await settled(id);
    expect([st.step, st.phase]).toEqual(['c06', 'review']);
    expect(st.problems).toEqual([]);
    expect(st.pendingActions).not.toContain('c06RowsConfirmed');
    expect(st.counts.c06Rows).toBe(CASES);
    expect((await h.call('clerk', 'POST', `/api/registers/${id}/actions/c06RowsConfirmed`, { reason: 'đã đối chiếu' })).statusCode).toBe(409);
  });
});
