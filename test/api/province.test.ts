import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListResponse, ProgressReport, ProvincePlan, StuckReport } from '../../contracts/v1';
import { BookIndex } from '../../api/services/bookIndex';
import { buildQuery } from '../../clients/temporal/visibilityQuery';
import { bookFilterSchema, type BookFilterInput } from '../../contracts/v1/filters';
import { withinOf } from '../../domain/custody';
import { actionUpdates } from '../../workflows/definitions';
import { generateProvince, type GenerateResult } from '../../scripts/lib/generate';
import { units, users } from '../support/fixtures';
import { eventually, startApi, type ApiHarness } from './helpers';
import { launch, signIn } from '../web/browser';
import { walkProvince } from '../web/walkProvince';

/**
 * The scale bench's small version (bench/scale.ts runs 40,000): a province generated through the API's
 * inventory import, some books driven through every step; the routes a manager and a clerk use answer,
 * and the API's read model agrees with Temporal's visibility counts for every role and filter.
 */
const BOOKS = 1000;
let h: ApiHarness;
let gen: GenerateResult;
let index: BookIndex;
let url: string;

beforeAll(async () => {
  h = await startApi({ config: { SOHOA_INDEX_POLL_MS: '300', SOHOA_LOG_LEVEL: 'warn' }, web: true });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  gen = await generateProvince({ api: url, token: h.tokens.manager, books: BOOKS, share: 14 / BOOKS, client: h.env.client, store: h.store, units, concurrency: 4 });
  index = new BookIndex(h.env.client, (e) => {
    throw e;
  }, { pollMs: 300 });
  index.start();
}, 300_000);
afterAll(async () => {
  await index?.stop();
  await h?.close();
});

/** The province plan as the API holds it, and the clock: overdue books are counted under it. */
const planNow = async () => ({ deadline: ((await h.call('manager', 'GET', '/api/plan')).json() as ProvincePlan).deadline, nowMs: Date.now() });
const provinceCount = async (f: BookFilterInput = {}) => (await h.env.client.workflow.count(buildQuery(units, users.manager, bookFilterSchema.parse(f), await planNow()))).count;
/** The read model's and visibility's count of the same books, read again until they agree (driven books may still be moving). */
const bothCounts = async (a: Parameters<typeof buildQuery>[1], filter: ReturnType<typeof bookFilterSchema.parse>) => {
  const read = async () => {
    const plan = await planNow();
    return [index.select(units, a, filter, plan).length, (await h.env.client.workflow.count(buildQuery(units, a, filter, plan))).count] as const;
  };
  return eventually(read, ([x, y]) => x === y, 10_000).catch(read);
};

describe(`a generated province of ${BOOKS} books`, () => {
  it('spreads over every district, the ten types and the five periods, and has books at every step', async () => {
    expect(gen.created).toBe(BOOKS);
    expect(gen.driven).toBe(14);
    const by = async (dim: string) => (await h.call('manager', 'GET', `/api/reports/progress?by=${dim}`)).json() as ProgressReport;
    // The API's read model has seen every book the import started and the driven books' last steps (a
    // look waits behind the server's load, and the next one up to 10 s more).
    const reached = (p: ProgressReport) => new Set(p.rows.filter((r) => r.books > 0).map((r) => r.key));
    await eventually(() => by('step'), (p) => p.rows.reduce((n, r) => n + r.books, 0) === BOOKS && reached(p).has('done') && reached(p).size >= 5, 60_000);
    // Every district, and the province's own row (its Sở Tư pháp).
    expect((await by('district')).rows.filter((r) => r.books > 0).length).toBe(new Set(units.agencies.map((a) => a.districtCode)).size);
    expect((await by('type')).rows.filter((r) => r.books > 0).length).toBe(10);
    expect((await by('period')).rows.filter((r) => r.books > 0).length).toBe(5);
    const steps = (await by('step')).rows.filter((r) => r.books > 0).map((r) => r.key);
    expect(steps).toEqual(expect.arrayContaining(['inventory', 'scan', 'done']));
    expect(steps.length).toBeGreaterThanOrEqual(5);
  });

  it('the read model agrees with visibility counts for each role and filter', async () => {
    await eventually(async () => index.select(units, users.manager).length, (n) => n === BOOKS, 30_000);
    const district = units.districts[3]!.code;
    const filters: BookFilterInput[] = [
      {},
      { status: 'running' },
      { status: 'closed' },
      { district },
      { type: 'birth,death', period: 'p1976' },
      { step: 'inventory', awaitingHuman: true },
      { level: 'commune', overdue: false },
      { failing: false, status: 'running' },
      { custodian: users.clerk.agencyCode },
    ];
    const actors = [users.manager, users.districtManager, users.clerk, users.districtClerk, users.manager2025, users.clerk2025];
    for (const actor of actors) {
      const a = { ...actor, within: withinOf(units, actor) };
      for (const f of filters) {
        const [n, expected] = await bothCounts(a, bookFilterSchema.parse(f));
        expect({ actor: actor.userId, f, n }).toEqual({ actor: actor.userId, f, n: expected });
      }
    }
  });

  it('the overview, the sorted and searched lists, the stuck list and the CSV export answer from every book', async () => {
    const overview = (await h.call('manager', 'GET', '/api/reports/progress?by=district')).json() as ProgressReport;
    expect(overview.rows.reduce((n, r) => n + r.books, 0)).toBe(await provinceCount());
    // An answer of the read model and visibility's count of the same books, read again until they agree
    // (driven books may still be moving).
    const agreeing = <T>(who: 'manager' | 'clerk' | 'districtManager', url: string, total: (a: T) => number, f: BookFilterInput) =>
      eventually(
        async () => [(await h.call(who, 'GET', url)).json() as T, (await h.env.client.workflow.count(buildQuery(units, users[who], bookFilterSchema.parse(f), await planNow()))).count] as const,
        ([a, n]) => total(a) === n,
        30_000,
      );
    const [byDeadline, running] = await agreeing<ListResponse>('manager', '/api/registers?sort=deadline&status=running&pageSize=10', (l) => l.total!, { status: 'running' });
    expect(byDeadline.total).toBe(running);
    expect(byDeadline.items).toHaveLength(10);
    const awaiting: BookFilterInput = { status: 'running', awaitingHuman: true };
    const [queue, waiting] = await agreeing<ListResponse>('clerk', '/api/registers?status=running&awaitingHuman=true&sort=updated&pageSize=100', (l) => l.total!, awaiting);
    expect(queue.total).toBe(waiting);
    expect(queue.items.every((b) => b.custodianKey === users.clerk.agencyCode || b.agencyCode === users.clerk.agencyCode)).toBe(true);
    const [stuck, districtWaiting] = await agreeing<StuckReport>('districtManager', '/api/reports/stuck?days=0', (r) => r.waitingTotal, awaiting);
    expect([stuck.waitingTotal, stuck.waiting.length]).toEqual([districtWaiting, Math.min(districtWaiting, 500)]);

    const district = units.districts[0]!.code;
    const csv = await h.call('manager', 'GET', `/api/registers/export.csv?district=${district}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^Mã sổ,Loại sổ,Số quyển/);
    expect(lines.length - 1).toBe(await provinceCount({ district }));
    expect(lines.slice(1).every((l) => l.startsWith(`reg-`))).toBe(true);
  });

  it('a book read twice answers the same, and a change made outside the API shows once the read model has looked', async () => {
    const line = gen.lines.find((l) => l.agencyCode === users.clerk.agencyCode) ?? gen.lines[0]!;
    const read = async () => (await h.call('manager', 'GET', `/api/registers/${line.id}`)).json() as { notes: { text: string }[] };
    const first = await read();
    expect(await read()).toEqual(first);
    // A note sent straight to the workflow (as a worker's timer or another API would change it).
    await h.env.client.workflow.getHandle(line.id).executeUpdate(actionUpdates.addNote, { args: [{ actor: users.manager, payload: { text: 'Ghi chú gửi thẳng tới workflow' } }] });
    await eventually(read, (st) => st.notes.some((n) => n.text === 'Ghi chú gửi thẳng tới workflow'), 30_000);
  });

  it("the plan's deadline moved into the past: every running book is overdue at once, and the read model and visibility count the same books for each role", async () => {
    const overview = async () => ((await h.call('manager', 'GET', '/api/reports/progress?by=district')).json() as ProgressReport).total;
    const before = await overview();
    const moved = await h.call('manager', 'PUT', '/api/plan/deadline', { deadline: new Date(Date.now() - 86_400_000).toISOString(), reason: 'Hạn kế hoạch đã qua' });
    expect(moved.statusCode).toBe(200);
    // No book was sent anything: the overview counts them overdue from the plan as soon as it moved.
    const after = await overview();
    expect(after.overdue).toBe(after.inProgress);
    expect(after.inProgress).toBeGreaterThan(before.overdue);
    for (const actor of [users.manager, users.districtManager, users.clerk]) {
      const a = { ...actor, within: withinOf(units, actor) };
      for (const f of [{ overdue: true }, { overdue: false }, { overdue: true, status: 'running' as const, district: units.districts[2]!.code }]) {
        const [n, expected] = await bothCounts(a, bookFilterSchema.parse(f));
        expect({ actor: actor.userId, f, n }).toEqual({ actor: actor.userId, f, n: expected });
      }
    }
    expect(await provinceCount({ overdue: true })).toBe(await provinceCount({ status: 'running' }));
  });
});

describe('the dashboard on the generated province, in Chromium', () => {
  it('the overview, a filtered list, its next page and a book page each render in under 2 s', async () => {
    const browser = await launch();
    try {
      const page = await browser.page();
      await signIn(page, url, h.tokens.manager);
      const byStep = (await h.call('manager', 'GET', '/api/reports/progress?by=step')).json() as ProgressReport;
      const district = units.districts[0]!.code;
      const ms = await walkProvince(page, url, {
        done: byStep.total.done,
        units,
        district,
        runningInDistrict: await provinceCount({ district, status: 'running' }),
      });
      for (const [what, t] of Object.entries(ms)) expect(t, `${what}: ${Math.round(t)} ms (${JSON.stringify(ms)})`).toBeLessThan(2000);
    } finally {
      await browser.close();
    }
  });
});
