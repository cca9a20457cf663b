import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULES, type BookStatusV1, type ListResponse, type ProvincePlan } from '../../contracts/v1';
import { ensureSchedules } from '../../clients/temporal/schedules';
import { buildQuery } from '../../clients/temporal/visibilityQuery';
import { localDay } from '../../domain/schedules';
import { units, users } from '../support/fixtures';
import { FUTURE, runCli, startApi, triggerSchedule, type ApiHarness } from './helpers';

/**
 * The province plan's deadline is one record: moving it is one write, and every book that follows it
 * (every book the API starts) shows the new deadline, and overdue once it has passed, at once.
 */
let h: ApiHarness;
const ids: Record<'follows' | 'own' | 'extended' | 'other', string> = { follows: '', own: '', extended: '', other: '' };
const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

beforeAll(async () => {
  h = await startApi();
  await ensureSchedules(h.env.client, h.config);
  const r = await h.call('manager', 'POST', '/api/registers', {
    items: [
      { agencyCode: '20335', type: 'KS', bookNo: '41', yearFrom: 2001, expectedCases: 30 },
      { agencyCode: '20335', type: 'KS', bookNo: '42', yearFrom: 2002, expectedCases: 30 },
      { agencyCode: '20335', type: 'KS', bookNo: '43', yearFrom: 2003, expectedCases: 30 },
      { agencyCode: '20398', type: 'KT', bookNo: '44', yearFrom: 2004, expectedCases: 30 },
    ],
  });
  expect(r.statusCode, r.body).toBe(200);
  [ids.follows, ids.own, ids.extended, ids.other] = r.json().items.map((i: { id: string }) => i.id);
  const act = async (id: string, action: string, payload: unknown) => expect((await h.call('manager', 'POST', `/api/registers/${id}/actions/${action}`, payload)).statusCode).toBe(200);
  await act(ids.own, 'setPlanDeadline', { deadline: inDays(90), reason: 'Sổ hư hỏng, cần thêm thời gian' });
  await act(ids.extended, 'extendDeadline', { deadline: inDays(10), reason: 'Gia hạn theo văn bản của Sở' });
}, 120_000);
afterAll(async () => h?.close());

const status = async (id: string) => (await h.call('manager', 'GET', `/api/registers/${id}`)).json() as BookStatusV1;
const events = async (id: string) => (await h.env.client.workflow.getHandle(id).fetchHistory()).events!.length;

describe("the province plan's deadline", () => {
  it('books the API starts follow the plan: its deadline, not overdue while it is ahead', async () => {
    expect(((await h.call('clerk', 'GET', '/api/plan')).json() as ProvincePlan).deadline).toBe(FUTURE);
    const s = await status(ids.follows);
    expect([s.followsPlan, s.deadline, s.overdue]).toEqual([true, FUTURE, false]);
    expect((await status(ids.own)).followsPlan).toBe(false);
  });

  it('only a province manager moves it, with a valid deadline and a reason', async () => {
    const body = { deadline: inDays(-1), reason: 'Hạn kế hoạch đã qua' };
    for (const who of ['clerk', 'districtManager', 'auditor'] as const) expect((await h.call(who, 'PUT', '/api/plan/deadline', body)).statusCode, who).toBe(403);
    const bad = await h.call('manager', 'PUT', '/api/plan/deadline', { deadline: '31/12/2025', reason: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path).join()).toContain('deadline');
    expect((await h.call('manager', 'PUT', '/api/plan/deadline', { deadline: inDays(-1) })).statusCode).toBe(400);
    expect(((await h.call('manager', 'GET', '/api/plan')).json() as ProvincePlan).deadline).toBe(FUTURE);
  });

  it("seven days before the plan's deadline, the daily digest reminds each agency of its open books that follow it, in one notice", async () => {
    const seven = inDays(7);
    expect((await h.call('manager', 'PUT', '/api/plan/deadline', { deadline: seven, reason: 'Hạn kế hoạch mới' })).statusCode).toBe(200);
    const run = await triggerSchedule(h, SCHEDULES.overdueDigest.id);
    expect(run.lastRun?.result).toMatch(/: 0 sổ quá hạn ở 0 đơn vị, 2 thông báo mới; nhắc hạn kế hoạch \(còn 7 ngày\): 2 sổ ở 2 đơn vị$/);
    const day = localDay(new Date().toISOString(), h.config.SOHOA_SCHEDULE_TIME_ZONE);
    const reminders = (await h.outbox.list()).filter((n) => n.kind === 'deadlineReminder');
    // The book with its own deadline and the one extended past the plan's are not among them.
    expect(reminders.map((n) => [n.id, n.workflowIds]).sort()).toEqual([
      [`plan-reminder:20335:${day}`, [ids.follows]],
      [`plan-reminder:20398:${day}`, [ids.other]],
    ]);
    expect(reminders[0]!.message).toMatch(/^Nhắc hạn \(ngày \d{2}\/\d{2}\/\d{4}\): còn 7 ngày đến hạn kế hoạch \d{2}\/\d{2}\/\d{4}; /);
  });

  it('moved into the past in one write: every book that follows it is overdue at once, in its status, the lists and visibility; a book with its own deadline or a later extension is not', async () => {
    const before = await Promise.all(Object.values(ids).map(events));
    const deadline = new Date(Date.now() - DAY).toISOString();
    const moved = await h.call('manager', 'PUT', '/api/plan/deadline', { deadline, reason: 'Hạn kế hoạch đã qua' });
    expect(moved.statusCode, moved.body).toBe(200);
    const plan = moved.json() as ProvincePlan;
    expect(plan.deadline).toBe(deadline);
    expect(plan.changes.at(-1)).toMatchObject({ userId: users.manager.userId, role: 'manager', deadline, reason: 'Hạn kế hoạch đã qua' });
    expect(plan.changes.map((c) => c.previous)).toEqual([FUTURE, plan.changes[1]!.previous]);
    // The same again changes nothing (a PUT repeated).
    expect(((await h.call('manager', 'PUT', '/api/plan/deadline', { deadline, reason: 'lần hai' })).json() as ProvincePlan).changes).toHaveLength(2);

    const follows = await status(ids.follows);
    expect([follows.deadline, follows.planDeadline, follows.overdue, follows.overdueSince, follows.daysLeft]).toEqual([deadline, deadline, true, deadline, -1]);
    expect([(await status(ids.own)).overdue, (await status(ids.extended)).overdue, (await status(ids.extended)).deadline]).toEqual([false, false, (await status(ids.extended)).extendedDeadline]);

    const list = (await h.call('manager', 'GET', '/api/registers?overdue=true&pageSize=50')).json() as ListResponse;
    expect(list.items.map((b) => b.id).sort()).toEqual([ids.follows, ids.other].sort());
    expect(list.items.every((b) => b.deadline === deadline && b.overdue)).toBe(true);
    // Visibility counts the same books under the plan (the query the lists use before the read model is loaded).
    const count = async (overdue: boolean) => (await h.env.client.workflow.count(buildQuery(units, users.manager, { overdue, status: 'running' }, { deadline, nowMs: Date.now() }))).count;
    expect([await count(true), await count(false)]).toEqual([2, 2]);
    // A clerk sees theirs only.
    const clerks = (await h.call('clerk', 'GET', '/api/registers?overdue=true')).json() as ListResponse;
    expect(clerks.items.map((b) => b.id)).toEqual([ids.follows]);
    // No book's history grew: the books were not told.
    expect(await Promise.all(Object.values(ids).map(events))).toEqual(before);
  });

  it("the daily digest lists the books overdue under the plan, one notice per agency", async () => {
    const run = await triggerSchedule(h, SCHEDULES.overdueDigest.id);
    expect(run.lastRun?.result).toMatch(/: 2 sổ quá hạn ở 2 đơn vị, 2 thông báo mới$/);
    const day = localDay(new Date().toISOString(), h.config.SOHOA_SCHEDULE_TIME_ZONE);
    const digests = (await h.outbox.list()).filter((n) => n.kind === 'overdueDigest');
    expect(digests.map((n) => [n.id, n.workflowIds]).sort()).toEqual([
      [`overdue-digest:20335:${day}`, [ids.follows]],
      [`overdue-digest:20398:${day}`, [ids.other]],
    ]);
  });

  it('moved ahead again with the CLI: the same books are no longer overdue; a clerk cannot move it', async () => {
    const refused = await runCli(h, ['plan', inDays(30), '--reason', 'thử'], h.tokens.clerk);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('403 Forbidden: vai trò clerk')]);
    const moved = await runCli(h, ['plan', inDays(30), '--reason', 'UBND tỉnh gia hạn kế hoạch'], h.tokens.manager);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(/^Hạn kế hoạch của tỉnh: \d{2}\/\d{2}\/\d{4} .*\n(.*\n)*  .* quanly\.tinh: [^\n]* → [^\n]* \(UBND tỉnh gia hạn kế hoạch\)\n$/);
    expect([(await status(ids.follows)).overdue, (await status(ids.follows)).daysLeft]).toEqual([false, 30]);
    expect(((await h.call('manager', 'GET', '/api/registers?overdue=true')).json() as ListResponse).items).toEqual([]);
  });
});
