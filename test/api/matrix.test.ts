import ExcelJS from 'exceljs';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLimit } from '../../api/services/pool';
import { roles, type Role } from '../../domain/actors';
import type { Book } from '../../domain/book';
import { artifactKeys } from '../../domain/naming';
import { weeklyReportKey } from '../../domain/schedules';
import { sampleC06Csv, samplePdf, sampleExcel } from '../../clients/samples';
import { book as fixtureBook } from '../support/fixtures';
import { driveTo } from './drive';
import { startApi, type ApiHarness } from './helpers';
import { multipart } from './multipart';

/**
 * The generated matrix: every route and method of the API's own OpenAPI document, called as every
 * role at every scope (province 49, district 502, agency 20335) and anonymously, against a book
 * inside and books outside the caller's scope. What each call must answer comes from TABLE; a 2xx
 * where the table says no, or another scope's book (id, title, note) in any answer, fails.
 */

const SCOPES = [
  { scope: 'province', agencyCode: '49' },
  { scope: 'district', agencyCode: '502' },
  { scope: 'agency', agencyCode: '20335' },
] as const;
type Scope = (typeof SCOPES)[number]['scope'];

/** The books: Tân Thạnh (20335, Tam Kỳ 502), An Mỹ (20341, Tam Kỳ 502), Minh An (20398, Hội An 503). */
const BOOKS = {
  commune: fixtureBook({ agencyCode: '20335', type: 'birth', bookNo: '01', yearFrom: 2016, yearTo: 2016 }),
  district: fixtureBook({ agencyCode: '20341', type: 'birth', bookNo: '01', yearFrom: 2016, yearTo: 2016 }),
  other: fixtureBook({ agencyCode: '20398', type: 'birth', bookNo: '01', yearFrom: 2016, yearTo: 2016 }),
} satisfies Record<string, Book>;
type BookKey = keyof typeof BOOKS;
const BOOK_KEYS = Object.keys(BOOKS) as BookKey[];
/** Which books each scope covers. */
const COVERS: Record<Scope, BookKey[]> = { province: ['commune', 'district', 'other'], district: ['commune', 'district'], agency: ['commune'] };

interface Principal {
  name: string;
  role?: Role;
  scope?: Scope;
  token?: string;
}

/** What the setup made, for the requests. */
interface World {
  ids: Record<BookKey, string>;
  fileKey: Record<BookKey, string>;
  importJob: string;
  bulkJob: string;
  /** The user who started both jobs. */
  jobOwner: string;
  c06Batch: Buffer;
  pdf: Buffer;
  xlsx: Buffer;
}

interface Call {
  method: InjectOptions['method'];
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The book the call is about: outside the caller's scope, it must be refused (403). */
  book?: BookKey;
  /** Refused even inside the scope (a key of another book): 403. */
  deny?: true;
}

interface Rule {
  /** Who may call it: public (no token), any signed-in user, or these roles (admin always). */
  who: 'public' | 'any' | readonly Role[];
  /** Only its owner (and admin) see it; others get 404, as if it did not exist. */
  owned?: true;
  /** Only callers of these scopes (and admin): the others of an allowed role get 403. */
  scopes?: readonly Scope[];
  /** The workflow checks the role again at the book's step: an allowed role may get its 403. */
  stepRoles?: true;
  /**
   * Answers kept by content (a file's hash): called one caller at a time, widest scope first, before
   * any other change, so that a caller answered from a wider scope's earlier call shows as a leak.
   */
  oneByOne?: true;
  /** CPU-heavy in the test's own process (a replay builds a replay worker): run last, two at a time, so the worker beside it keeps answering. */
  heavy?: true;
  calls: (w: World) => Call[];
}

const prefixOf = (k: BookKey) => artifactKeys(BOOKS[k]).prefix;
const eachBook = (make: (k: BookKey, id: string) => Omit<Call, 'book'>) => (w: World) => BOOK_KEYS.map((k) => ({ ...make(k, w.ids[k]), book: k }));
const action = (name: string, payload: (k: BookKey) => unknown): Rule => ({
  who: ACTION_ROLES[name]!,
  stepRoles: true,
  calls: eachBook((k, id) => ({ method: 'POST', url: `/api/registers/${id}/actions/${name}`, body: payload(k) })),
});
/** Who may send each action at some step (contracts/v1/commands.ts): the workflow narrows it by step. */
const ACTION_ROLES: Record<string, readonly Role[]> = {
  confirmInventory: ['clerk', 'contractor'],
  scansUploaded: ['contractor', 'clerk'],
  excelUploaded: ['contractor', 'clerk'],
  c06Received: ['c06', 'clerk'],
  c06RowsConfirmed: ['clerk'],
  approve: ['clerk', 'manager'],
  reject: ['clerk', 'manager'],
  manualEntryProgress: ['clerk'],
  importConfirmed: ['clerk'],
  extendDeadline: ['manager'],
  setPlanDeadline: ['manager'],
  setPriority: ['manager'],
  withdraw: ['manager'],
  addNote: ['clerk', 'manager'],
  changeCustodian: ['manager'],
};
const deadline = { deadline: '2100-01-01T00:00:00+07:00', reason: 'kế hoạch mới' };
const bulk = (name: string, payload: unknown): Rule => ({
  who: ['manager'],
  calls: (w) => [
    { method: 'POST', url: `/api/bulk/${name}?wait=true`, body: { ids: BOOK_KEYS.map((k) => w.ids[k]), payload } },
    { method: 'POST', url: `/api/bulk/${name}?wait=true`, body: { filter: {}, payload } },
  ],
});
const inventoryCsv = (n: number) => `agencyCode,type,bookNo,yearFrom\n20341,KT,${n},2010\n20398,KT,${n},2010\n`;
let seq = 10;
/** The day of the weekly reports written in the setup, one for Tam Kỳ (502) and one for Hội An (503). */
const REPORT_DAY = '2026-01-05';
const weeklyFile = (district: string) => `bao-cao-tien-do-${district}-${REPORT_DAY}.xlsx`;

/** THE table: every route of the OpenAPI document, who may call it, and the calls made. */
const TABLE: Record<string, Rule> = {
  'GET /health': { who: 'public', calls: () => [{ method: 'GET', url: '/health' }] },
  'GET /health/live': { who: 'public', calls: () => [{ method: 'GET', url: '/health/live' }] },
  'GET /health/ready': { who: 'public', calls: () => [{ method: 'GET', url: '/health/ready' }] },
  'GET /metrics': { who: 'public', calls: () => [{ method: 'GET', url: '/metrics' }] },
  'GET /api/me': { who: 'any', calls: () => [{ method: 'GET', url: '/api/me' }] },
  'GET /api/reference': { who: 'any', calls: () => [{ method: 'GET', url: '/api/reference' }] },
  'POST /api/registers': {
    who: ['manager', 'clerk'],
    calls: () => {
      const n = ++seq;
      return [{ method: 'POST', url: '/api/registers', body: { items: ['20341', '20398'].map((agencyCode) => ({ agencyCode, type: 'KH', bookNo: String(n), yearFrom: 2010 })) } }];
    },
  },
  'GET /api/registers': {
    who: 'any',
    calls: (w) => [
      { method: 'GET', url: '/api/registers?pageSize=100' },
      { method: 'GET', url: `/api/registers?q=${w.ids.other}` },
      { method: 'GET', url: '/api/registers?agency=20398,20341&sort=deadline' },
      { method: 'GET', url: '/api/registers?q=Minh%20An&status=all' },
    ],
  },
  'GET /api/registers/export.csv': {
    who: 'any',
    calls: () => [
      { method: 'GET', url: '/api/registers/export.csv' },
      { method: 'GET', url: '/api/registers/export.csv?step=inventory,scan&status=running' },
    ],
  },
  'POST /api/registers/import': {
    who: ['manager', 'clerk'],
    calls: () => [{ method: 'POST', url: '/api/registers/import?filename=ds.csv', body: inventoryCsv(++seq), headers: { 'content-type': 'text/csv' } }],
  },
  'GET /api/jobs/{jobId}': { who: 'any', owned: true, calls: (w) => [{ method: 'GET', url: `/api/jobs/${w.importJob}` }] },
  'GET /api/registers/{id}': { who: 'any', calls: eachBook((_k, id) => ({ method: 'GET', url: `/api/registers/${id}` })) },
  'POST /api/registers/{id}/actions/confirmInventory': action('confirmInventory', () => ({ cases: 2, pages: 4, condition: 'good' })),
  'POST /api/registers/{id}/actions/scansUploaded': action('scansUploaded', (k) => ({ uploadPrefix: `${prefixOf(k)}/uploads/khong-co` })),
  'POST /api/registers/{id}/actions/excelUploaded': action('excelUploaded', (k) => ({ excelKey: `${prefixOf(k)}/excel/khong-co.xlsx` })),
  'POST /api/registers/{id}/actions/c06Received': action('c06Received', () => ({ batchRef: 'C06-000000000000', records: 2 })),
  'POST /api/registers/{id}/actions/c06RowsConfirmed': action('c06RowsConfirmed', () => ({ reason: 'đã đối chiếu sổ gốc' })),
  'POST /api/registers/{id}/actions/approve': action('approve', () => ({})),
  'POST /api/registers/{id}/actions/reject': action('reject', () => ({ reasons: ['trang 2 bị mờ'] })),
  'POST /api/registers/{id}/actions/manualEntryProgress': action('manualEntryProgress', () => ({ entered: 1 })),
  'POST /api/registers/{id}/actions/importConfirmed': action('importConfirmed', () => ({ imported: 2, failed: 0 })),
  'POST /api/registers/{id}/actions/extendDeadline': action('extendDeadline', () => deadline),
  'POST /api/registers/{id}/actions/setPlanDeadline': action('setPlanDeadline', () => deadline),
  'POST /api/registers/{id}/actions/setPriority': action('setPriority', () => ({ priority: 2 })),
  'POST /api/registers/{id}/actions/withdraw': action('withdraw', () => ({ reason: 'sổ trùng lặp' })),
  'POST /api/registers/{id}/actions/addNote': action('addNote', () => ({ text: 'đã kiểm tra' })),
  // Handovers of the 2025 reorganisation: province managers only.
  'POST /api/registers/{id}/actions/changeCustodian': { ...action('changeCustodian', () => ({ to: 'successor', reason: 'bàn giao thử' })), scopes: ['province'] },
  'PUT /api/registers/{id}/scans': {
    who: ['contractor', 'clerk'],
    calls: (w) =>
      BOOK_KEYS.flatMap((k) =>
        ['true', 'false'].map((submit) => {
          const { payload, headers } = multipart([{ filename: `${BOOKS[k].type === 'birth' ? 'KS' : 'X'}.2016.01.2016-01-01.01.pdf`, contentType: 'application/pdf', data: w.pdf }]);
          return { method: 'PUT' as const, url: `/api/registers/${w.ids[k]}/scans?submit=${submit}`, body: payload, headers, book: k };
        }),
      ),
  },
  'PUT /api/registers/{id}/excel': {
    who: ['contractor', 'clerk'],
    calls: (w) =>
      BOOK_KEYS.flatMap((k) =>
        ['true', 'false'].map((submit) => {
          const { payload, headers } = multipart([{ filename: 'du-lieu.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: w.xlsx }]);
          return { method: 'PUT' as const, url: `/api/registers/${w.ids[k]}/excel?submit=${submit}`, body: payload, headers, book: k };
        }),
      ),
  },
  'POST /api/c06/batches': {
    who: ['c06', 'clerk'],
    oneByOne: true,
    calls: (w) => [{ method: 'POST', url: '/api/c06/batches?filename=c06.csv', body: w.c06Batch, headers: { 'content-type': 'text/csv' } }],
  },
  'GET /api/templates/inventory.xlsx': { who: 'any', calls: () => [{ method: 'GET', url: '/api/templates/inventory.xlsx' }] },
  'GET /api/templates/{file}': { who: 'any', calls: () => [{ method: 'GET', url: '/api/templates/KS.xlsx' }] },
  'GET /api/registers/{id}/files': { who: 'any', calls: eachBook((_k, id) => ({ method: 'GET', url: `/api/registers/${id}/files` })) },
  // No OCR text or page report in these books: the callers allowed get 404, the others 403.
  'GET /api/registers/{id}/pages/search': { who: 'any', calls: eachBook((_k, id) => ({ method: 'GET', url: `/api/registers/${id}/pages/search?q=nguyen` })) },
  'GET /api/registers/{id}/pages/findings': { who: 'any', calls: eachBook((_k, id) => ({ method: 'GET', url: `/api/registers/${id}/pages/findings` })) },
  'GET /api/registers/{id}/pages': { who: 'any', calls: eachBook((_k, id) => ({ method: 'GET', url: `/api/registers/${id}/pages` })) },
  'GET /api/registers/{id}/pages/image': { who: 'any', calls: eachBook((_k, id) => ({ method: 'GET', url: `/api/registers/${id}/pages/image?caseNo=1&page=1` })) },
  'GET /api/registers/{id}/file': {
    who: 'any',
    calls: (w) =>
      BOOK_KEYS.flatMap((k) => [
        { method: 'GET' as const, url: `/api/registers/${w.ids[k]}/file?key=${encodeURIComponent(w.fileKey[k])}`, book: k },
        // Another book's file through a book of one's own.
        { method: 'GET' as const, url: `/api/registers/${w.ids[k]}/file?key=${encodeURIComponent(w.fileKey[k === 'other' ? 'commune' : 'other'])}`, book: k, deny: true as const },
      ]),
  },
  'POST /api/registers/{id}/excel/compare': {
    who: ['contractor', 'clerk'],
    calls: eachBook((k, id) => ({ method: 'POST', url: `/api/registers/${id}/excel/compare`, body: { firstKey: `${prefixOf(k)}/excel/a/x.xlsx`, secondKey: `${prefixOf(k)}/excel/b/x.xlsx` } })),
  },
  'POST /api/registers/{id}/excel/resolve': {
    who: ['clerk'],
    calls: eachBook((k, id) => ({ method: 'POST', url: `/api/registers/${id}/excel/resolve`, body: { firstKey: `${prefixOf(k)}/excel/a/x.xlsx`, secondKey: `${prefixOf(k)}/excel/b/x.xlsx`, resolutions: [] } })),
  },
  'POST /api/bulk/extendDeadline': bulk('extendDeadline', deadline),
  'POST /api/bulk/setPlanDeadline': bulk('setPlanDeadline', deadline),
  'POST /api/bulk/setPriority': bulk('setPriority', { priority: 4 }),
  'POST /api/bulk/approve': bulk('approve', {}),
  'POST /api/bulk/withdraw': bulk('withdraw', { reason: 'rút thử hàng loạt' }),
  'POST /api/bulk/changeCustodian': { ...bulk('changeCustodian', { to: 'successor', reason: 'bàn giao thử hàng loạt' }), scopes: ['province'] },
  'GET /api/bulk/{jobId}': { who: 'any', owned: true, calls: (w) => [{ method: 'GET', url: `/api/bulk/${w.bulkJob}` }] },
  'GET /api/reports/progress': {
    who: 'any',
    calls: () => ['district', 'agency', 'step'].map((by) => ({ method: 'GET' as const, url: `/api/reports/progress?by=${by}` })),
  },
  'GET /api/reports/acceptance': {
    who: ['manager', 'auditor'],
    calls: () => [{ method: 'GET', url: '/api/reports/acceptance?step=inventory,scan,c06,excel,import,acceptance,done' }],
  },
  'GET /api/notices': { who: 'any', calls: (w) => [{ method: 'GET', url: '/api/notices' }, { method: 'GET', url: `/api/notices?bookId=${w.ids.other}` }] },
  'GET /api/schedules': { who: ['manager', 'auditor'], calls: () => [{ method: 'GET', url: '/api/schedules' }] },
  'GET /api/plan': { who: 'any', calls: () => [{ method: 'GET', url: '/api/plan' }] },
  'PUT /api/plan/deadline': { who: ['manager'], scopes: ['province'], calls: () => [{ method: 'PUT', url: '/api/plan/deadline', body: deadline }] },
  'POST /api/schedules/{id}/{action}': {
    who: ['manager'],
    scopes: ['province'],
    calls: () => [{ method: 'POST', url: '/api/schedules/sohoa-overdue-digest/unpause', body: { reason: 'kiểm tra quyền' } }],
  },
  // A district's report carries its books' titles: served to those who read that district, 404 to others.
  'GET /api/reports/weekly': { who: ['manager', 'auditor'], calls: () => [{ method: 'GET', url: '/api/reports/weekly' }] },
  'GET /api/reports/weekly/{file}': {
    who: ['manager', 'auditor'],
    calls: () => ['502', '503', '999'].map((d) => ({ method: 'GET' as const, url: `/api/reports/weekly/${weeklyFile(d)}` })),
  },
  'GET /api/reports/stuck': { who: ['manager', 'auditor', 'clerk'], calls: () => [{ method: 'GET', url: '/api/reports/stuck?days=0&deep=true' }] },
  'GET /api/registers/{id}/history': { who: 'any', calls: eachBook((_k, id) => ({ method: 'GET', url: `/api/registers/${id}/history` })) },
  'GET /api/registers/{id}/history.json': { who: 'any', calls: eachBook((_k, id) => ({ method: 'GET', url: `/api/registers/${id}/history.json` })) },
  'POST /api/audit/replay': {
    who: ['auditor', 'manager'],
    heavy: true,
    calls: (w) => [
      // Each replay builds a replay worker: one call over the caller's books, and the other district's book asked for by id and by agency.
      { method: 'POST', url: '/api/audit/replay', body: { limit: 3 } },
      { method: 'POST', url: '/api/audit/replay', body: { agency: '20398', limit: 1 }, book: 'other' },
      { method: 'POST', url: '/api/audit/replay', body: { ids: [w.ids.other] }, book: 'other' },
    ],
  },
};

type Expected = 'allowed' | 401 | 403 | 404;

function expectedOf(rule: Rule, p: Principal, call: Call, w: World): Expected {
  if (rule.who === 'public') return 'allowed';
  if (!p.role) return 401;
  const admin = p.role === 'admin';
  if (rule.owned) return admin || p.name === w.jobOwner ? 'allowed' : 404;
  if (rule.who !== 'any' && !admin && !rule.who.includes(p.role)) return 403;
  if (rule.scopes && !admin && !rule.scopes.includes(p.scope!)) return 403;
  if (call.book && !COVERS[p.scope!].includes(call.book)) return 403;
  if (call.deny) return 403;
  return 'allowed';
}

/** Another scope's books as they could show in an answer: ids, titles, the secret note each was given. */
function outsideMarks(p: Principal, w: World, asked: string): string[] {
  const inside = p.scope ? COVERS[p.scope] : [];
  return BOOK_KEYS.filter((k) => !inside.includes(k)).flatMap((k) => [...(asked.includes(w.ids[k]) ? [] : [w.ids[k]]), titleOf(k), secretOf(k)]);
}
const secretOf = (k: BookKey) => `ghi-chu-mat-${BOOKS[k].agency.code}`;
const titleOf = (k: BookKey) => `quyển ${BOOKS[k].bookNo} (2016) – ${BOOKS[k].agency.name}`;

/** The answer as text: JSON and text as they are, an .xlsx by its cells; other files (zip, pdf) are a book's own bytes. */
async function textOf(r: LightMyRequestResponse): Promise<string> {
  const type = String(r.headers['content-type'] ?? '');
  if (type.includes('spreadsheetml')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((s) => s.eachRow((row) => row.eachCell((c) => cells.push(String(c.text)))));
    return `${JSON.stringify(r.headers)}\n${cells.join('\n')}`;
  }
  if (type.includes('zip') || type.includes('pdf') || type.includes('octet-stream')) return JSON.stringify(r.headers);
  return `${JSON.stringify(r.headers)}\n${r.body}`;
}

let h: ApiHarness;
let world: World;
const principals: Principal[] = [{ name: 'anonymous' }];

beforeAll(async () => {
  // Books past the plan's deadline: each gets an overdue notice at once (notices are checked too).
  h = await startApi({ config: { SOHOA_PLAN_DEADLINE: '2020-01-01T00:00:00+07:00', SOHOA_MAX_UPLOAD_MB: '2' } });
  for (const role of roles) {
    for (const s of SCOPES) {
      const name = `${role}.${s.scope}`;
      principals.push({ name, role, scope: s.scope, token: (await h.usersFile.add({ userId: name, role, scope: s.scope, agencyCode: s.agencyCode })).token });
    }
  }
  const entries = await Promise.all(BOOK_KEYS.map(async (k) => [k, await driveTo(h, BOOKS[k], 'dataWork')] as const));
  const ids = Object.fromEntries(entries) as Record<BookKey, string>;
  const admin = principals.find((p) => p.name === 'admin.province')!;
  const as = (p: Principal, method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({ method, url, headers: { authorization: `Bearer ${p.token}`, ...headers }, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }) });
  const fileKey = {} as Record<BookKey, string>;
  for (const k of BOOK_KEYS) {
    const note = await as(admin, 'POST', `/api/registers/${ids[k]}/actions/addNote`, { text: `${secretOf(k)}: sổ cũ` });
    if (note.statusCode !== 200) throw new Error(note.body);
    fileKey[k] = (await h.store.list(artifactKeys(BOOKS[k]).prefix)).find((o) => o.key.endsWith('.pdf'))!.key;
  }
  // What the weekly schedule writes, with the district's own book named inside (a leak if served outside).
  for (const [district, k] of [['502', 'district'], ['503', 'other']] as const) {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Tiến độ').addRow([titleOf(k), secretOf(k)]);
    await h.store.put(weeklyReportKey(REPORT_DAY, district), Buffer.from(await wb.xlsx.writeBuffer()));
  }
  const owner = principals.find((p) => p.name === 'manager.province')!;
  const imp = await as(owner, 'POST', '/api/registers/import?wait=false&filename=ds.csv', 'agencyCode,type,bookNo,yearFrom\n20335,XX,01,2016\n', { 'content-type': 'text/csv' });
  const blk = await as(owner, 'POST', '/api/bulk/setPriority', { ids: [ids.commune], payload: { priority: 2 } });
  if (imp.statusCode !== 202 || blk.statusCode !== 202) throw new Error(`${imp.body} ${blk.body}`);
  world = {
    ids,
    fileKey,
    importJob: imp.json().jobId,
    bulkJob: blk.json().jobId,
    jobOwner: owner.name,
    c06Batch: Buffer.concat(BOOK_KEYS.map((k, i) => {
      const csv = sampleC06Csv(BOOKS[k], 2).toString('utf8');
      return Buffer.from(i === 0 ? csv : csv.slice(csv.indexOf('\n') + 1));
    })),
    pdf: await samplePdf('KS.2016.01.2016-01-01.01', 1),
    xlsx: await sampleExcel(BOOKS.commune, 2),
  };
}, 120_000);
afterAll(async () => h?.close());

interface Outcome {
  route: string;
  who: string;
  call: Call;
  expected: Expected;
  status: number;
  problem?: string;
}

describe('the generated matrix: every route × role × scope, inside and outside', () => {
  it('every route of the OpenAPI document is in the table, and every table entry is a route', async () => {
    const doc = (await h.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.filter((r) => !(r in TABLE)), 'routes missing from TABLE: classify them').toEqual([]);
    expect(Object.keys(TABLE).filter((r) => !routes.includes(r)), 'TABLE entries that are no route').toEqual([]);
  });

  it('no 2xx where the table says no, every refusal as the table says, and no other scope’s book in any answer', async () => {
    const t0 = Date.now();
    const doc = (await h.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const jobs = routes.flatMap((route) => principals.flatMap((p) => TABLE[route]!.calls(world).map((call) => ({ route, p, call }))));
    // Reads first (the books as set up), then answers kept by content, then what else may change the books, the heavy calls last.
    const reads = jobs.filter((j) => j.call.method === 'GET');
    const width = (p: Principal) => (p.scope ? SCOPES.findIndex((x) => x.scope === p.scope) : -1);
    const allowed = (j: (typeof jobs)[number]) => expectedOf(TABLE[j.route]!, j.p, j.call, world) === 'allowed';
    const serial = (j: (typeof jobs)[number]) => j.call.method !== 'GET' && !!TABLE[j.route]!.oneByOne && allowed(j);
    const heavy = (j: (typeof jobs)[number]) => !!TABLE[j.route]!.heavy && allowed(j);
    const oneByOne = jobs.filter(serial).sort((a, b) => width(a.p) - width(b.p));
    const writes = jobs.filter((j) => j.call.method !== 'GET' && !serial(j) && !heavy(j));
    const last = jobs.filter(heavy);
    const run = async ({ route, p, call }: (typeof jobs)[number]): Promise<Outcome> => {
      const rule = TABLE[route]!;
      const expected = expectedOf(rule, p, call, world);
      const send = () =>
        h.app.inject({
          method: call.method,
          url: call.url,
          headers: { ...(p.token ? { authorization: `Bearer ${p.token}` } : {}), ...call.headers },
          ...(call.body === undefined ? {} : { payload: call.body as InjectOptions['payload'] }),
        });
      let r = await send();
      // Temporal not answering in time on a loaded machine (504) says nothing of access: asked once more.
      if (r.statusCode === 504 && expected === 'allowed') r = await send();
      const out: Outcome = { route, who: p.name, call, expected, status: r.statusCode };
      const message = r.headers['content-type']?.toString().includes('json') && r.statusCode >= 400 ? String((r.json() as { message?: unknown }).message ?? '') : '';
      if (r.statusCode >= 500) out.problem = `${r.statusCode}: ${message || r.body.slice(0, 200)}`;
      else if (expected === 'allowed') {
        if (r.statusCode === 401) out.problem = 'refused 401 though allowed';
        else if (r.statusCode === 403 && !(rule.stepRoles && /không được thực hiện/.test(message))) out.problem = `refused 403 though allowed: ${message}`;
      } else if (r.statusCode !== expected) out.problem = `${r.statusCode} where the table says ${expected}${r.statusCode < 300 ? ' (ALLOWED WHERE IT MUST NOT BE)' : ''}: ${message}`;
      const text = await textOf(r);
      const asked = `${call.url} ${typeof call.body === 'string' || Buffer.isBuffer(call.body) ? '' : JSON.stringify(call.body ?? '')}`;
      const leaked = outsideMarks(p, world, asked).filter((m) => text.includes(m));
      if (leaked.length) out.problem = `${out.problem ? `${out.problem}; ` : ''}LEAK of ${leaked.join(', ')}`;
      return out;
    };
    const outcomes = [...(await mapLimit(reads, 16, run)), ...(await mapLimit(oneByOne, 1, run)), ...(await mapLimit(writes, 16, run)), ...(await mapLimit(last, 2, run))];

    // What the progress report counts, per scope, is that scope's books only.
    for (const p of principals.filter((x) => x.scope)) {
      const r = await h.app.inject({ url: '/api/reports/progress?by=agency&type=birth&level=commune', headers: { authorization: `Bearer ${p.token}` } });
      const agencies = (r.json().rows as { key: string }[]).map((x) => x.key).sort();
      const want = COVERS[p.scope!].map((k) => BOOKS[k].agency.code).sort();
      if (JSON.stringify(agencies) !== JSON.stringify(want)) outcomes.push({ route: 'GET /api/reports/progress', who: p.name, call: { method: 'GET', url: r.raw.req.url ?? '' }, expected: 'allowed', status: r.statusCode, problem: `counts agencies ${agencies.join(',')}, scope has ${want.join(',')}` });
    }

    const problems = outcomes.filter((o) => o.problem).map((o) => `${o.route} as ${o.who}: ${o.call.method} ${o.call.url} → ${o.problem}`);
    const byClass = outcomes.reduce<Record<string, number>>((acc, o) => ((acc[String(o.expected)] = (acc[String(o.expected)] ?? 0) + 1), acc), {});
    console.log(
      `matrix: ${routes.length} routes × ${principals.length} principals (${roles.length} roles × ${SCOPES.length} scopes + anonymous) × ${BOOK_KEYS.length} books; ` +
        `${outcomes.length} calls (${JSON.stringify(byClass)}) in ${Math.round((Date.now() - t0) / 100) / 10} s; ${problems.length} problems`,
    );
    expect(problems).toEqual([]);
  }, 120_000);
});
