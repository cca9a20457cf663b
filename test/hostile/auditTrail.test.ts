import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeniedLog, type DeniedAttempt } from '../../api/services/deniedLog';
import { RotatingLog } from '../../api/services/rotatingLog';
import { SecurityLog } from '../../api/services/securityLog';
import { ksCsv } from '../data/c06Fixtures';
import { multipart } from '../api/multipart';
import { startApi, type ApiHarness } from '../api/helpers';

/** Who can write into a book's audit trail, and how much of it a history request reads. */
let h: ApiHarness;
const a1 = 'reg-20194-KS-01-2017';
const a2 = 'reg-20194-KS-02-2017';
const b1 = 'reg-20245-KS-01-2018';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

beforeAll(async () => {
  h = await startApi();
  const r = await h.call('manager', 'POST', '/api/registers', {
    items: [
      { agencyCode: '20194', type: 'KS', bookNo: '01', yearFrom: 2017 },
      { agencyCode: '20194', type: 'KS', bookNo: '02', yearFrom: 2017 },
      { agencyCode: '20245', type: 'KS', bookNo: '01', yearFrom: 2018 },
    ],
  });
  expect(r.json().summary.created).toBe(3);
});
afterAll(async () => h?.close());

interface Entry {
  kind: string;
  requestId?: string;
  action?: string;
  error?: string;
  actor: { userId: string } | null;
}
const deniedOf = async (id: string): Promise<Entry[]> =>
  ((await h.call('auditor', 'GET', `/api/registers/${id}/history`)).json().entries as Entry[]).filter((e) => e.kind === 'denied');
const securityLines = async () =>
  (await readFile(join(h.dir, 'audit', 'security.ndjson'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('audit entries come only from signed-in callers', () => {
  it('a withdraw refused for a garbage token or none, with a chosen x-request-id, stays out of the book; the security log has it, with the server’s id', async () => {
    const before = (await deniedOf(a1)).length;
    const tries = [
      { authorization: 'Bearer gia-mao-gia-mao-gia-mao-gia-mao-gia-mao', 'x-request-id': 'toi-chon-ma-nay' },
      { 'x-request-id': 'toi-chon-ma-khac' },
    ];
    const ids: string[] = [];
    for (const headers of tries) {
      const r = await h.app.inject({ method: 'POST', url: `/api/registers/${a1}/actions/withdraw`, headers, payload: { reason: 'phá' } });
      expect(r.statusCode).toBe(401);
      expect(r.headers['x-request-id']).toMatch(UUID);
      ids.push(String(r.headers['x-request-id']));
    }
    expect((await deniedOf(a1)).length).toBe(before);
    const lines = await securityLines();
    for (const id of ids) {
      expect(lines.find((l) => l.requestId === id)).toMatchObject({ route: '/api/registers/:id/actions/withdraw', bookId: a1, status: 401, method: 'POST' });
    }
    expect(JSON.stringify(lines)).not.toContain('toi-chon');
  });

  it('a signed-in refusal is in the book’s history under the id the server gave the request, not the caller’s', async () => {
    const r = await h.call('otherClerk', 'POST', `/api/registers/${a1}/actions/confirmInventory`, { cases: 1, pages: 1, condition: 'good' }, { 'x-request-id': 'ma-gia-mao-cua-toi' });
    expect(r.statusCode).toBe(403);
    expect(r.headers['x-request-id']).toMatch(UUID);
    const mine = (await deniedOf(a1)).filter((e) => e.actor?.userId === 'congchuc.minhan');
    expect(mine.map((e) => e.requestId)).toEqual([r.headers['x-request-id']]);
  });
});

describe('every refusal is recorded once', () => {
  it('a single action refused (wrong step), an upload refused, a bulk action (wrong step, out of scope) and a C06 batch (book not at C06): one entry each', async () => {
    const count = async (id: string) => (await deniedOf(id)).length;
    const [n1, n2, nb] = [await count(a1), await count(a2), await count(b1)];

    expect((await h.call('clerk', 'POST', `/api/registers/${a2}/actions/approve`, {})).statusCode).toBe(409);
    const scans = multipart([{ filename: 'a.zip', contentType: 'application/zip', data: Buffer.from('PK') }]);
    expect((await h.call('contractor', 'PUT', `/api/registers/${a2}/scans`, scans.payload, scans.headers)).statusCode).toBe(409);
    expect(await count(a2)).toBe(n2 + 2);

    const bulk = await h.call('districtManager', 'POST', '/api/bulk/approve?wait=true', { ids: [a1, b1], payload: {} });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect(bulk.json().results.map((x: { id: string; code: string }) => [x.id, x.code]).sort()).toEqual([
      [a1, 'WrongStep'],
      [b1, 'Forbidden'],
    ]);
    const { payload, headers } = multipart([{ filename: 'c06.csv', contentType: 'text/csv', data: ksCsv() }]);
    const c06 = await h.call('c06', 'POST', '/api/c06/batches', payload, headers);
    expect(c06.statusCode, c06.body).toBe(200);
    expect(c06.json().matched.find((m: { id: string }) => m.id === a1)).toMatchObject({ result: 'refused' });

    expect(await count(b1)).toBe(nb + 1);
    const a1Entries = (await deniedOf(a1)).slice(n1);
    expect(a1Entries.map((e) => [e.actor?.userId, e.action])).toEqual([
      ['quanly.tamky', 'approve'],
      ['c06.tamky', 'c06Received'],
    ]);
  });
});

describe('the audit logs are bounded and read by range', () => {
  const attempt = (bookId: string, i: number): DeniedAttempt => ({
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    requestId: `r-${i}`,
    actor: { userId: 'congchuc.minhan', role: 'clerk', scope: 'agency', agencyCode: '20245' },
    method: 'POST',
    url: `/api/registers/${bookId}/actions/approve`,
    bookId,
    action: 'approve',
    status: 403,
    code: 'Forbidden',
    reason: `ngoài phạm vi ${'.'.repeat(100)}`,
  });

  it('the denied log rotates by size, keeps a bounded number of files, and a book’s history reads only that book’s lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-denied-'));
    const limits = { maxBytes: 20_000, keep: 2 };
    const log = new DeniedLog(join(dir, 'denied.ndjson'), limits);
    for (let i = 0; i < 400; i++) await log.append(attempt(i % 40 === 0 ? 'reg-20194-KH-09-2010' : `reg-20245-KS-${String(i % 30).padStart(2, '0')}-2018`, i));
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['denied.ndjson', 'denied.ndjson.1', 'denied.ndjson.2']);
    for (const f of files) expect((await stat(join(dir, f))).size).toBeLessThanOrEqual(limits.maxBytes);

    // A fresh reader (an API restart) learns where each book's lines are, then reads those ranges only.
    const reader = new DeniedLog(join(dir, 'denied.ndjson'), limits);
    await reader.forBook('reg-x');
    const read = vi.spyOn(RotatingLog.prototype, 'read');
    const mine = await reader.forBook('reg-20194-KH-09-2010');
    const bytes = read.mock.calls.flatMap(([refs]) => refs).reduce((n, r) => n + r.length, 0);
    read.mockRestore();
    // Only the newest lines survive rotation: ~3 files of 20 kB hold the last ~160 of 400.
    expect(mine.map((a) => a.requestId)).toEqual(['r-280', 'r-320', 'r-360']);
    expect(bytes).toBe(mine.reduce((n, a) => n + Buffer.byteLength(JSON.stringify(a)) + 1, 0));
  });

  it('the security log takes at most its lines a minute and counts the rest in one line', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2025-03-01T08:00:10Z'));
      const dir = await mkdtemp(join(tmpdir(), 'sohoa-security-'));
      const log = new SecurityLog(join(dir, 'security.ndjson'), { maxBytes: 1_000_000, keep: 1 }, 5);
      const event = (i: number) => ({ at: new Date().toISOString(), requestId: `r-${i}`, ip: '10.0.0.9', method: 'GET', route: '/api/me', status: 401, code: 'Unauthorized', reason: 'thiếu mã truy cập' });
      for (let i = 0; i < 50; i++) await log.append(event(i));
      vi.setSystemTime(new Date('2025-03-01T08:01:05Z'));
      await log.append(event(50));
      const lines = (await readFile(log.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { requestId?: string; suppressed?: number });
      expect(lines.map((l) => l.requestId ?? `+${l.suppressed}`)).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4', '+45', 'r-50']);
    } finally {
      vi.useRealTimers();
    }
  });
});
