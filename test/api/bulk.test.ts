import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StuckReport } from '../../contracts/v1';
import { statusQuery } from '../../workflows/definitions';
import { noticeFor } from '../../domain/notices';
import { book } from '../support/fixtures';
import { initialState } from '../../domain/bookState';
import { planSettingsSchema } from '../../domain/settings';
import { eventually, startApi, type ApiHarness } from './helpers';

let h: ApiHarness;
/** District 502 (Tam Kỳ): its Phòng Tư pháp and three communes; district 503 (Hội An): its office and two communes. */
const IN_502 = ['502', '20335', '20344', '20362', '20335', '502'];
const IN_503 = ['503', '20398', '20431', '20398'];
const ids502: string[] = [];
const ids503: string[] = [];
let withdrawn502: string;

const status = (id: string) => h.env.client.workflow.getHandle(id).query(statusQuery);
const NEW_DEADLINE = '2099-06-30T00:00:00+07:00';

beforeAll(async () => {
  h = await startApi();
  const mk = (codes: string[], from: number) => codes.map((agencyCode, i) => ({ agencyCode, type: 'KS', bookNo: String(from + i).padStart(2, '0'), yearFrom: 2015 + (i % 3), expectedCases: 10 * (i + 1) }));
  const r = await h.call('manager', 'POST', '/api/registers', { items: [...mk(IN_502, 1), ...mk(IN_503, 21), { agencyCode: '20335', type: 'KS', bookNo: '40', yearFrom: 2010 }] });
  const items = r.json().items as Array<{ id: string; result: string }>;
  expect(items.every((i) => i.result === 'created')).toBe(true);
  ids502.push(...items.slice(0, IN_502.length).map((i) => i.id));
  ids503.push(...items.slice(IN_502.length, IN_502.length + IN_503.length).map((i) => i.id));
  withdrawn502 = items.at(-1)!.id;
  const w = await h.call('manager', 'POST', `/api/registers/${withdrawn502}/actions/withdraw`, { reason: 'sổ đã hủy' });
  expect(w.statusCode).toBe(200);
  await eventually(() => h.call('manager', 'GET', '/api/registers?status=running&pageSize=100'), (x) => x.json().items.length === ids502.length + ids503.length);
  await eventually(() => h.call('manager', 'GET', '/api/registers?step=withdrawn'), (x) => x.json().items.length === 1);
});
afterAll(async () => h?.close());

describe('bulk actions', () => {
  it('a plan deadline change for one district reaches every running book of that district and no other; twice changes nothing more', async () => {
    const r = await h.call('districtManager', 'POST', '/api/bulk/setPlanDeadline?wait=true', {
      filter: { district: '502' },
      payload: { deadline: NEW_DEADLINE, reason: 'kế hoạch lùi theo công văn của tỉnh' },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.summary).toEqual({ total: ids502.length, done: ids502.length, unchanged: 0, refused: 0 });
    expect(body.results.map((x: { id: string }) => x.id).sort()).toEqual([...ids502].sort());
    for (const id of ids502) expect(Date.parse((await status(id)).planDeadline), id).toBe(Date.parse(NEW_DEADLINE));
    for (const id of [...ids503, withdrawn502]) expect(Date.parse((await status(id)).planDeadline), id).not.toBe(Date.parse(NEW_DEADLINE));

    const again = await h.call('districtManager', 'POST', '/api/bulk/setPlanDeadline?wait=true', {
      filter: { district: '502' },
      payload: { deadline: NEW_DEADLINE, reason: 'kế hoạch lùi theo công văn của tỉnh' },
    });
    expect(again.json().summary).toEqual({ total: ids502.length, done: 0, unchanged: ids502.length, refused: 0 });
    // Nothing more entered the histories.
    const st = await status(ids502[0]!);
    expect(st.actions.filter((a) => a.action === 'setPlanDeadline')).toHaveLength(1);
  });

  it('runs as a job by default: 202 with a job id, progress and per-book answers at GET /api/bulk/{jobId}', async () => {
    const r = await h.call('manager', 'POST', '/api/bulk/setPriority', { filter: {}, payload: { priority: 5 } });
    expect(r.statusCode).toBe(202);
    const { jobId, total } = r.json();
    expect(total).toBe(ids502.length + ids503.length);
    const job = await eventually(() => h.call('manager', 'GET', `/api/bulk/${jobId}`), (j) => j.json().state === 'finished');
    expect(job.json()).toMatchObject({ kind: 'bulk', action: 'setPriority', done: total, summary: { done: total, refused: 0 } });
    expect(job.json().results).toHaveLength(total);
    expect((await status(ids503[0]!)).priority).toBe(5);
  });

  it('an explicit list answers per book: done, unchanged, refused outside the jurisdiction or unknown', async () => {
    const r = await h.call('districtManager', 'POST', '/api/bulk/extendDeadline?wait=true', {
      ids: [ids502[1], ids503[0], 'reg-20335-KS-99-2017', 'rac'],
      payload: { deadline: '2100-01-01T00:00:00+07:00', reason: 'sổ hư hỏng cần tu bổ' },
    });
    const byId = Object.fromEntries(r.json().results.map((x: { id: string }) => [x.id, x]));
    expect(byId[ids502[1]!]).toMatchObject({ result: 'done' });
    expect(byId[ids503[0]!]).toMatchObject({ result: 'refused', code: 'Forbidden' });
    expect(byId['reg-20335-KS-99-2017']).toMatchObject({ result: 'refused', code: 'NotFound' });
    expect(byId['rac']).toMatchObject({ result: 'refused', code: 'NotFound' });
    const w = await h.call('manager', 'POST', '/api/bulk/withdraw?wait=true', { ids: [withdrawn502], payload: { reason: 'rút lần hai' } });
    expect(w.json().results[0]).toMatchObject({ result: 'refused', code: 'BookClosed' });
  });

  it('400 without ids or filter, or with both; 400 bad payload; 403 for clerks; 404 unknown bulk action', async () => {
    expect((await h.call('manager', 'POST', '/api/bulk/setPriority', { payload: { priority: 2 } })).statusCode).toBe(400);
    expect((await h.call('manager', 'POST', '/api/bulk/setPriority', { ids: [ids502[0]], filter: {}, payload: { priority: 2 } })).statusCode).toBe(400);
    const bad = await h.call('manager', 'POST', '/api/bulk/setPriority', { filter: {}, payload: { priority: 9 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('body.payload.priority');
    expect((await h.call('clerk', 'POST', '/api/bulk/setPriority', { filter: {}, payload: { priority: 2 } })).statusCode).toBe(403);
    expect((await h.call('manager', 'POST', '/api/bulk/confirmInventory', { filter: {}, payload: {} })).statusCode).toBe(404);
  });
});

describe('reports', () => {
  it('progress by district and by step counts books and cases from visibility, within the jurisdiction', async () => {
    const r = await eventually(
      () => h.call('manager', 'GET', '/api/reports/progress?by=district'),
      (x) => x.json().total.books === ids502.length + ids503.length + 1,
    );
    const rows = Object.fromEntries(r.json().rows.map((x: { key: string }) => [x.key, x]));
    expect(rows['502']).toMatchObject({ label: 'Thành phố Tam Kỳ', books: 7, inProgress: 6, withdrawn: 1, done: 0, awaitingHuman: 6, cases: 10 + 20 + 30 + 40 + 50 + 60 });
    expect(rows['503']).toMatchObject({ books: 4, inProgress: 4, cases: 10 + 20 + 30 + 40 });
    const steps = await h.call('manager', 'GET', '/api/reports/progress?by=step');
    expect(steps.json().rows.map((x: { key: string; books: number }) => [x.key, x.books])).toEqual([
      ['inventory', 10],
      ['withdrawn', 1],
    ]);
    const mine = await h.call('otherClerk', 'GET', '/api/reports/progress?by=agency');
    expect(mine.json().rows.map((x: { key: string; books: number }) => [x.key, x.books])).toEqual([['20398', 2]]);
    expect((await h.call('manager', 'GET', '/api/reports/progress?by=color')).statusCode).toBe(400);
  });

  it("notices: each caller sees their jurisdiction's outbox only", async () => {
    const plan = planSettingsSchema.parse({});
    const at = new Date().toISOString();
    for (const code of ['20335', '20398']) {
      const s = initialState(book({ agencyCode: code, bookNo: '50' }), plan, at);
      await h.outbox.write(noticeFor(s, { kind: 'deadlineReminder', key: `r:${code}`, daysLeft: 7 }, at));
    }
    const prov = await h.call('manager', 'GET', '/api/notices');
    expect(prov.json().items.map((n: { agencyCode: string }) => n.agencyCode).sort()).toEqual(['20335', '20398']);
    const clerk = await h.call('clerk', 'GET', '/api/notices');
    expect(clerk.json().items.map((n: { agencyCode: string }) => n.agencyCode)).toEqual(['20335']);
    expect(clerk.json().items[0].message).toContain('Nhắc hạn');
    const dm = await h.call('districtManager', 'GET', '/api/notices?kind=overdue');
    expect(dm.json().items).toEqual([]);
  });

  it('stuck: books waiting for a person longer than the days given, and a notify that keeps failing with its attempts and error', async () => {
    const waiting = await h.call('manager', 'GET', '/api/reports/stuck?days=0');
    expect(waiting.statusCode).toBe(200);
    expect(waiting.json().waiting.map((w: { id: string }) => w.id).sort()).toEqual([...ids502, ...ids503].sort());
    expect((await h.call('manager', 'GET', '/api/reports/stuck')).json().waiting).toEqual([]);
    // Paged, the longest waiting first (then the earliest since, then the id): the pages hold every waiting book once.
    const paged: { id: string; since: string }[] = [];
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const page = (await h.call('manager', 'GET', `/api/reports/stuck?days=0&limit=2&offset=${offset}`)).json() as StuckReport;
      expect(page.waiting.length).toBeLessThanOrEqual(2);
      expect([page.waitingTotal, page.books]).toEqual([ids502.length + ids503.length, ids502.length + ids503.length]);
      paged.push(...page.waiting);
      offset = page.nextOffset;
    }
    expect(paged.map((w) => w.id)).toEqual(waiting.json().waiting.map((w: { id: string }) => w.id));
    expect(paged.map((w) => w.since)).toEqual(paged.map((w) => w.since).sort());
    const bad = await h.call('manager', 'GET', '/api/reports/stuck?limit=0');
    expect([bad.statusCode, bad.json().message]).toEqual([400, expect.stringContaining('limit')]);

    // Break the outbox (its folder becomes a file): the reminder of a book near its deadline fails and is retried.
    const outboxDir = join(h.dir, 'outbox');
    await rename(outboxDir, `${outboxDir}.bak`);
    await writeFile(outboxDir, 'không phải thư mục');
    const id = ids503[1]!;
    const near = await h.call('manager', 'POST', `/api/registers/${id}/actions/setPlanDeadline`, { deadline: new Date(Date.now() + 3 * 86_400_000).toISOString(), reason: 'thử nhắc hạn' });
    expect(near.statusCode).toBe(200);
    const stuck = await eventually(
      () => h.call('manager', 'GET', '/api/reports/stuck?deep=true&days=0'),
      (x) => x.json().failing.some((f: { id: string; attempt: number }) => f.id === id && f.attempt >= 2),
      30_000,
    );
    const f = stuck.json().failing.find((x: { id: string }) => x.id === id);
    // The failing book also waits for a person: counted once among the stuck books.
    expect(stuck.json().waiting.some((w: { id: string }) => w.id === id)).toBe(true);
    expect(stuck.json().books).toBe(new Set([...stuck.json().failing, ...stuck.json().waiting].map((x: { id: string }) => x.id)).size);
    expect(f).toMatchObject({ activity: 'notify', lastError: expect.stringMatching(/ENOTDIR|EEXIST|not a directory/i) });
    expect(f.since).toBeTruthy();
  }, 45_000);
});
