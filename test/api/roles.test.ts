import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionNames, rolesFor, type ActionName } from '../../domain/actions';
import { roles, type Role } from '../../domain/actors';
import { parseWorkflowId, type Book } from '../../domain/book';
import type { Step } from '../../domain/plan';
import { mapLimit } from '../../api/services/pool';
import { driveTo, freshBook, type State } from './drive';
import { startApi, type ApiHarness } from './helpers';

let h: ApiHarness;
/** For each role, a user whose district (502) holds the books, and one from another district (503). */
const tokens: Record<string, string> = {};

interface Case {
  action: ActionName;
  state: State;
  step: Step;
  type: Book['type'];
  /** n counts the successes so far; id is the book acted on (file keys must be its own). */
  payload: (n: number, id: string) => unknown;
}

/** The storage prefix of a book of this file (single-year books), from its workflow id. */
function prefixOf(id: string): string {
  const p = parseWorkflowId(id)!;
  return `books/${p.agencyCode}/${p.typeCode}.${p.yearFrom}.${p.bookNo}`;
}

const CASES: Case[] = [
  { action: 'confirmInventory', state: 'inventory', step: 'inventory', type: 'birth', payload: () => ({ cases: 2, pages: 4, condition: 'good' }) },
  { action: 'scansUploaded', state: 'scanWork', step: 'scan', type: 'birth', payload: (_n, id) => ({ uploadPrefix: `${prefixOf(id)}/uploads/khong-co` }) },
  { action: 'excelUploaded', state: 'dataWork', step: 'excel', type: 'maritalStatus', payload: (_n, id) => ({ excelKey: `${prefixOf(id)}/excel/khong-co.xlsx` }) },
  { action: 'c06Received', state: 'dataWork', step: 'c06', type: 'birth', payload: () => ({ batchRef: 'C06-000000000000', records: 2 }) },
  { action: 'approve', state: 'scanReview', step: 'scan', type: 'birth', payload: () => ({}) },
  { action: 'reject', state: 'scanReview', step: 'scan', type: 'birth', payload: () => ({ reasons: ['trang 2 bị mờ'] }) },
  { action: 'manualEntryProgress', state: 'dataWork', step: 'manualEntry', type: 'guardianship', payload: (n) => ({ entered: n }) },
  { action: 'importConfirmed', state: 'importWork', step: 'import', type: 'maritalStatus', payload: () => ({ imported: 2, failed: 0 }) },
  { action: 'approve', state: 'acceptanceReview', step: 'acceptance', type: 'maritalStatus', payload: () => ({ note: 'đạt' }) },
  { action: 'reject', state: 'acceptanceReview', step: 'acceptance', type: 'maritalStatus', payload: () => ({ reasons: ['thiếu 1 PDF'] }) },
  { action: 'extendDeadline', state: 'inventory', step: 'inventory', type: 'birth', payload: (n) => ({ deadline: `${2100 + n}-01-01T00:00:00+07:00`, reason: 'gia hạn' }) },
  { action: 'setPlanDeadline', state: 'inventory', step: 'inventory', type: 'birth', payload: (n) => ({ deadline: `${2100 + n}-06-01T00:00:00+07:00`, reason: 'kế hoạch mới' }) },
  { action: 'setPriority', state: 'inventory', step: 'inventory', type: 'birth', payload: (n) => ({ priority: [1, 2, 4, 5][n % 4] }) },
  { action: 'withdraw', state: 'inventory', step: 'inventory', type: 'birth', payload: () => ({ reason: 'sổ trùng lặp' }) },
];
/** Actions that leave the book where it was, so every allowed user can act on one book. */
const REPEATABLE = new Set<ActionName>(['manualEntryProgress', 'extendDeadline', 'setPlanDeadline', 'setPriority']);
const allowed = (c: Case, role: Role) => role === 'admin' || rolesFor(c.action, c.step).includes(role);

/** Books per case: one per allowed role (an accepted action moves the book on), or one for repeatable actions. */
const books = new Map<Case, string[]>();

beforeAll(async () => {
  h = await startApi();
  for (const role of roles) {
    tokens[`${role}.in`] = (await h.usersFile.add({ userId: `${role}.trong`, role, scope: 'district', agencyCode: '502' })).token;
    tokens[`${role}.out`] = (await h.usersFile.add({ userId: `${role}.ngoai`, role, scope: 'district', agencyCode: '503' })).token;
  }
  const jobs: Array<{ c: Case; b: Book }> = [];
  for (const c of CASES) {
    const n = REPEATABLE.has(c.action) ? 1 : roles.filter((r) => allowed(c, r)).length;
    for (let i = 0; i < n; i++) jobs.push({ c, b: freshBook(c.type) });
  }
  const ids = await mapLimit(jobs, 6, ({ b, c }) => driveTo(h, b, c.state));
  jobs.forEach(({ c }, i) => books.set(c, [...(books.get(c) ?? []), ids[i]!]));
}, 240_000);
afterAll(async () => h?.close());

describe('role matrix: every action × every role, inside and outside the jurisdiction', () => {
  for (const c of CASES) {
    it(`${c.action} at ${c.step}`, async () => {
      const targets = [...books.get(c)!];
      const got: string[] = [];
      const want: string[] = [];
      let successes = 0;
      const rows = roles.flatMap((role) => (['in', 'out'] as const).map((where) => ({ role, where, ok: where === 'in' && allowed(c, role) })));
      // Refusals first, on a book still in the state; then each allowed user on a book of their own.
      for (const { role, where, ok } of [...rows.filter((r) => !r.ok), ...rows.filter((r) => r.ok)]) {
        const id = ok && !REPEATABLE.has(c.action) ? targets.shift()! : books.get(c)!.at(-1)!;
        const r = await h.app.inject({
          method: 'POST',
          url: `/api/registers/${id}/actions/${c.action}`,
          headers: { authorization: `Bearer ${tokens[`${role}.${where}`]}` },
          payload: c.payload(ok ? ++successes : 0, id) as object,
        });
        got.push(`${role}/${where}: ${r.statusCode}`);
        want.push(`${role}/${where}: ${ok ? 200 : 403}`);
        if (r.statusCode === 403) expect(r.json().error).toBe('Forbidden');
      }
      expect(got).toEqual(want);
    });
  }

  it('every action answers 401 without a token or with a bad one', async () => {
    const id = books.get(CASES[0]!)![0]!;
    for (const action of actionNames) {
      for (const headers of [{}, { authorization: 'Bearer khong-hop-le-khong-hop-le-khong-hop-le' }, { authorization: 'Basic YWRtaW46YWRtaW4=' }]) {
        const r = await h.app.inject({ method: 'POST', url: `/api/registers/${id}/actions/${action}`, headers, payload: {} });
        expect(r.statusCode, `${action} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
  });

  it('auditors read everything in their jurisdiction and change nothing', async () => {
    const id = books.get(CASES[0]!)![0]!;
    const auditor = { authorization: `Bearer ${tokens['auditor.in']}` };
    for (const url of [`/api/registers/${id}`, `/api/registers/${id}/history`, `/api/registers/${id}/history.json`, '/api/registers', '/api/reports/progress', '/api/notices']) {
      expect((await h.app.inject({ url, headers: auditor })).statusCode, url).toBe(200);
    }
    for (const [method, url] of [
      ['POST', '/api/registers'],
      ['POST', '/api/bulk/setPriority'],
      ['PUT', `/api/registers/${id}/scans`],
      ['PUT', `/api/registers/${id}/excel`],
      ['POST', '/api/c06/batches'],
    ] as const) {
      expect((await h.app.inject({ method, url, headers: auditor, payload: {} })).statusCode, url).toBe(403);
    }
  });
});
