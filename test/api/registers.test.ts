import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { referenceSchema, roles, steps } from '../../contracts/v1';
import { MANAGEMENT_ACTIONS, roleMayAct } from '../../domain/actions';
import { actionUpdates, statusQuery } from '../../workflows/definitions';
import { users } from '../support/fixtures';
import { buildApp } from '../../api/app';
import { eventually, item, LogCapture, startApi, type ApiHarness } from './helpers';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => h?.close());

const created = async (items: Array<Record<string, unknown>>, who: Parameters<ApiHarness['call']>[0] = 'manager') => {
  const r = await h.call(who, 'POST', '/api/registers', { items });
  expect(r.statusCode).toBe(200);
  return r.json() as { summary: Record<string, number>; items: Array<{ id?: string; result: string; reason?: string; details?: Array<{ path: string }> }> };
};

describe('operations and documentation', () => {
  it('/health reports Temporal and the store reachable; /metrics is Prometheus text', async () => {
    const r = await h.app.inject({ url: '/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', temporal: { ok: true }, store: { ok: true, kind: 'fs' } });
    // An orchestrator's probes: readiness is the same check, liveness only asks the process.
    const ready = await h.app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', temporal: { ok: true }, store: { ok: true } });
    expect((await h.app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    await h.call('manager', 'GET', '/api/me');
    const m = await h.app.inject({ url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.headers['content-type']).toContain('text/plain');
    expect(m.body).toMatch(/sohoa_http_request_duration_seconds_bucket\{.*route="\/api\/me".*\}/);
    expect(m.body).toMatch(/sohoa_books\{step="inventory"\} \d+/);
    expect(m.body).toContain('sohoa_activity_failures');
  });

  it('the OpenAPI document lists every route with its schemas and the bearer scheme; /docs serves the UI', async () => {
    const doc = (await h.app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const p of [
      '/api/registers',
      '/api/registers/import',
      '/api/registers/{id}',
      '/api/registers/{id}/actions/confirmInventory',
      '/api/registers/{id}/actions/withdraw',
      '/api/registers/{id}/scans',
      '/api/registers/{id}/excel',
      '/api/registers/{id}/history',
      '/api/registers/{id}/history.json',
      '/api/c06/batches',
      '/api/bulk/setPlanDeadline',
      '/api/bulk/{jobId}',
      '/api/jobs/{jobId}',
      '/api/reports/progress',
      '/api/reports/acceptance',
      '/api/reports/stuck',
      '/api/notices',
      '/api/audit/replay',
      '/api/templates/inventory.xlsx',
      '/health',
      '/health/live',
      '/health/ready',
      '/metrics',
    ]) {
      expect(doc.paths, p).toHaveProperty([p]);
    }
    const body = doc.paths['/api/registers/{id}/actions/confirmInventory'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toContain('condition');
    expect((await h.app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });
});

describe('authentication', () => {
  it('401 without a token, with a bad one, and with a revoked one; the token never reaches the logs', async () => {
    expect((await h.call('nobody', 'GET', '/api/registers')).statusCode).toBe(401);
    const bad = await h.app.inject({ url: '/api/registers', headers: { authorization: 'Bearer ' + 'x'.repeat(43) } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: 'Unauthorized' });
    const { token } = await h.usersFile.add({ userId: 'tam.thoi', role: 'clerk', scope: 'agency', agencyCode: '20335' });
    const as = () => h.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect((await as()).json()).toMatchObject({ userId: 'tam.thoi', role: 'clerk', roleLabel: 'Công chức tư pháp' });
    await h.usersFile.revoke('tam.thoi');
    // The app re-reads the users file at most once a second.
    await eventually(as, (r) => r.statusCode === 401, 3000);
    for (const t of [...Object.values(h.tokens), token]) expect(h.logs.raw).not.toContain(t);
  });

  it('every /api route of the OpenAPI document answers 401 without a token', async () => {
    const doc = (await h.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      const url = path.replace('{id}', 'reg-20335-KS-01-2017').replace('{jobId}', '00000000-0000-4000-8000-000000000000').replace('{file}', 'KS.xlsx');
      for (const method of Object.keys(methods)) {
        const r = await h.app.inject({ method: method.toUpperCase() as 'GET', url, payload: method === 'get' ? undefined : {} });
        expect(r.statusCode, `${method} ${path}`).toBe(401);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(35);
  });

  it('every response carries a request id the server made (a caller-given one is ignored), logged with the user', async () => {
    const r = await h.call('clerk', 'GET', '/api/me', undefined, { 'x-request-id': 'kiem-tra-123' });
    const id = r.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h.logs.lines.find((l) => l.requestId === id && l.user === 'congchuc.tanthanh')).toBeDefined();
    expect(h.logs.raw).not.toContain('kiem-tra-123');
  });
});

describe('registering books', () => {
  it('answers each item: created, existing, rejected with the reason naming the field', async () => {
    const r = await created([
      item({ bookNo: '1' }),
      item({ bookNo: '01' }),
      item({ bookNo: '02', type: 'birth', expectedCases: 40, priority: 2 }),
      item({ agencyCode: '99999' }),
      item({ bookNo: '03', yearFrom: 2018, yearTo: 2017 }),
      item({ agencyCode: '20398', bookNo: '04' }),
      { type: 'KS' },
    ]);
    expect(r.summary).toEqual({ total: 7, created: 3, existing: 1, rejected: 3 });
    expect(r.items.map((i) => i.result)).toEqual(['created', 'existing', 'created', 'rejected', 'rejected', 'created', 'rejected']);
    expect(r.items[0]!.id).toBe('reg-20335-KS-01-2017');
    expect(r.items[3]!.reason).toContain('99999');
    expect(r.items[4]!.details?.map((d) => d.path)).toContain('yearTo');
    expect(r.items[6]!.details?.map((d) => d.path)).toEqual(expect.arrayContaining(['agencyCode', 'bookNo', 'yearFrom']));

    const again = await created([item({ bookNo: '01' })]);
    expect(again.items[0]).toMatchObject({ id: 'reg-20335-KS-01-2017', result: 'existing' });
  });

  it('a clerk registers books of their own agency only; contractors and auditors cannot register', async () => {
    const r = await created([item({ bookNo: '05' }), item({ agencyCode: '20398', bookNo: '05' })], 'clerk');
    expect(r.items.map((i) => i.result)).toEqual(['created', 'rejected']);
    expect(r.items[1]!.reason).toContain('ngoài phạm vi');
    for (const who of ['contractor', 'auditor', 'c06'] as const) {
      const d = await h.call(who, 'POST', '/api/registers', { items: [item({ bookNo: '06' })] });
      expect(d.statusCode, who).toBe(403);
      expect(d.json().error).toBe('Forbidden');
    }
  });

  it('400 for a body that is not a list of books, with the field named', async () => {
    const r = await h.call('manager', 'POST', '/api/registers', { items: [] });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: 'BadRequest' });
    expect(r.json().details[0].path).toBe('body.items');
    expect((await h.call('manager', 'POST', '/api/registers', { books: [] })).json().details[0].path).toBe('body.items');
  });

  it('the book is started with its search attributes and memo, and the creator in the memo', async () => {
    const d = await h.env.client.workflow.getHandle('reg-20335-KS-02-2017').describe();
    expect(d.memo).toMatchObject({ bookNo: '02', createdBy: { userId: 'quanly.tinh', role: 'manager' }, counts: { inventoryCases: 40 } });
    expect(d.typedSearchAttributes.get({ name: 'SohoaPriority', type: 'INT' } as never)).toBe(2);
  });
});

describe('inventory import', () => {
  it('a CSV with bad rows starts the good ones and names the bad by row', async () => {
    const csv = [
      'agencyCode;type;bookNo;yearFrom;yearTo;expectedCases;note',
      '20344;KT;01;2005;2005;120;sổ rách bìa',
      '20344;KT;02;2006;;;',
      '',
      '20344;XX;03;2006;;;',
      '20344;KT;04;2030;;;',
      '20398;KS;01;2018;2018;;"ghi chú; có dấu chấm phẩy"',
      '20344;KT;01;2005;2005;;trùng dòng 2',
    ].join('\r\n');
    const r = await h.call('manager', 'POST', '/api/registers/import?filename=danh-muc.csv', '\uFEFF' + csv, { 'content-type': 'text/csv' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.summary).toEqual({ total: 6, created: 3, existing: 1, rejected: 2 });
    const byRow = Object.fromEntries(body.items.map((i: { row: number }) => [i.row, i]));
    expect(byRow[2]).toMatchObject({ result: 'created', id: 'reg-20344-KT-01-2005' });
    expect(byRow[3]).toMatchObject({ result: 'created', id: 'reg-20344-KT-02-2006' });
    expect(byRow[5]).toMatchObject({ result: 'rejected' });
    expect(byRow[5].reason).toContain('XX');
    expect(byRow[6]).toMatchObject({ result: 'rejected' });
    expect(byRow[6].reason).toContain('2019');
    expect(byRow[7]).toMatchObject({ result: 'created', id: 'reg-20398-KS-01-2018' });
    expect(byRow[8]).toMatchObject({ result: 'existing' });
    const st = await h.env.client.workflow.getHandle('reg-20344-KT-01-2005').query(statusQuery);
    expect(st.book.note).toBe('sổ rách bìa');
    expect(st.counts.inventoryCases).toBe(120);
  });

  it('an .xlsx filled from the downloadable template imports; the job API reports progress and results', async () => {
    const t = await h.call('clerk', 'GET', '/api/templates/inventory.xlsx');
    expect(t.statusCode).toBe(200);
    expect(t.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(t.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['agencyCode', 'type', 'bookNo', 'yearFrom', 'yearTo', 'expectedCases', 'priority', 'note']);
    sheet.addRow(['20362', 'KH', '01', 2010, 2011, 30, 1, 'sổ kết hôn']);
    sheet.addRow(['20362', 'KH', 2, 2012]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const boundary = '----sohoa' + Date.now();
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="danh-muc.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`),
      buf,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const r = await h.call('manager', 'POST', '/api/registers/import?wait=false', payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(r.statusCode).toBe(202);
    const { jobId, total } = r.json();
    expect(total).toBe(2);
    const job = await eventually(() => h.call('manager', 'GET', `/api/jobs/${jobId}`), (j) => j.json().state !== 'running');
    expect(job.json()).toMatchObject({ kind: 'import', state: 'finished', done: 2, summary: { created: 2 } });
    expect(job.json().results.map((x: { id: string }) => x.id)).toEqual(['reg-20362-KH-01-2010', 'reg-20362-KH-02-2012']);
    // Jobs are their owner's.
    expect((await h.call('districtManager', 'GET', `/api/jobs/${jobId}`)).statusCode).toBe(404);
  });

  it('413 for an inventory over the row limit, naming the limit and the first row past it; nothing is started', async () => {
    const rows = Array.from({ length: 50_001 }, (_, i) => `20335,KS,${900 + i},2017`);
    const r = await h.call('manager', 'POST', '/api/registers/import?filename=lon.csv', ['agencyCode,type,bookNo,yearFrom', ...rows].join('\n'), { 'content-type': 'text/csv' });
    expect(r.statusCode, r.body).toBe(413);
    expect(r.json()).toMatchObject({ error: 'PayloadTooLarge' });
    expect(r.json().message).toBe('tệp lon.csv: dòng 50002: có hơn 50000 dòng dữ liệu, tối đa 50000 mỗi lần (xin chia tệp) (SOHOA_MAX_INVENTORY_ROWS)');
    expect((await h.call('manager', 'GET', '/api/registers/reg-20335-KS-900-2017')).statusCode).toBe(404);
  });

  it('415 for a file that is neither .xlsx nor .csv; 400 when the header lacks a column', async () => {
    const r = await h.call('manager', 'POST', '/api/registers/import?filename=ds.txt', 'a,b', { 'content-type': 'application/octet-stream' });
    expect(r.statusCode).toBe(415);
    const m = await h.call('manager', 'POST', '/api/registers/import?filename=ds.csv', 'agencyCode,type\n20335,KS\n', { 'content-type': 'text/csv' });
    expect(m.statusCode).toBe(400);
    expect(m.json().message).toContain('bookNo');
    expect(m.json().details[0].path).toContain('ds.csv');
  });
});

describe('files read on the worker', () => {
  it('with no worker to read them, an inventory and a C06 batch answer 504 after SOHOA_PARSE_TIMEOUT_S and leave nothing in the store', async () => {
    // The same API, its parsing workflows sent to a task queue no worker polls.
    const app = await buildApp({ config: { ...h.config, TEMPORAL_TASK_QUEUE: 'khong-co-worker', SOHOA_PARSE_TIMEOUT_S: 2 }, temporal: { client: h.env.client }, store: h.store, outbox: h.outbox, users: h.usersFile, logStream: new LogCapture() });
    try {
      const headers = { authorization: `Bearer ${h.tokens.manager}`, 'content-type': 'text/csv' };
      const inv = await app.inject({ method: 'POST', url: '/api/registers/import?filename=ds.csv', headers, payload: 'agencyCode,type,bookNo,yearFrom\n20194,KS,77,2017\n' });
      expect(inv.statusCode, inv.body).toBe(504);
      expect(inv.json()).toMatchObject({ error: 'Timeout', message: expect.stringContaining('SOHOA_PARSE_TIMEOUT_S') });
      const c06 = await app.inject({ method: 'POST', url: '/api/c06/batches?filename=c06.csv', headers: { ...headers, authorization: `Bearer ${h.tokens.c06}` }, payload: 'SOQUYEN,HOTEN\n01/2017,An\n' });
      expect(c06.statusCode, c06.body).toBe(504);
      expect([...(await h.store.list('inventory')), ...(await h.store.list('c06/incoming'))]).toEqual([]);
      expect((await h.call('manager', 'GET', '/api/registers/reg-20194-KS-77-2017')).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe('reading books', () => {
  it('lists with filters, restricted to the jurisdiction, and pages with Temporal page tokens', async () => {
    const all = await eventually(() => h.call('manager', 'GET', '/api/registers?pageSize=100'), (r) => r.json().items.length >= 9);
    expect(all.json().items.length).toBe(9);
    const ks = await h.call('manager', 'GET', '/api/registers?agency=20335&type=birth&step=inventory');
    expect(ks.json().items.map((b: { id: string }) => b.id).sort()).toEqual(['reg-20335-KS-01-2017', 'reg-20335-KS-02-2017', 'reg-20335-KS-05-2017']);
    expect(ks.json().query).toContain('SohoaAgency = "20335"');
    const clerk = await h.call('otherClerk', 'GET', '/api/registers?pageSize=100');
    expect(clerk.json().items.map((b: { id: string }) => b.id).sort()).toEqual(['reg-20398-KS-01-2018', 'reg-20398-KS-04-2017']);

    const p1 = await h.call('manager', 'GET', '/api/registers?pageSize=4');
    const p2 = await h.call('manager', 'GET', `/api/registers?pageSize=4&pageToken=${p1.json().nextPageToken}`);
    const ids = [...p1.json().items, ...p2.json().items].map((b: { id: string }) => b.id);
    expect(new Set(ids).size).toBe(8);
  });

  it('searches by book number, sorts and pages by offset', async () => {
    const q = await h.call('manager', 'GET', '/api/registers?q=2&agency=20335,20344');
    expect(q.json().items.map((b: { id: string }) => b.id).sort()).toEqual(['reg-20335-KS-02-2017', 'reg-20344-KT-02-2006']);
    const byId = await h.call('manager', 'GET', '/api/registers?q=reg-20362-KH-01-2010');
    expect(byId.json().items.map((b: { id: string }) => b.id)).toEqual(['reg-20362-KH-01-2010']);
    const s1 = await h.call('manager', 'GET', '/api/registers?sort=yearFrom&order=desc&pageSize=3');
    const s2 = await h.call('manager', 'GET', `/api/registers?sort=yearFrom&order=desc&pageSize=3&offset=${s1.json().nextOffset}`);
    const years = [...s1.json().items, ...s2.json().items].map((b: { yearFrom: number }) => b.yearFrom);
    expect(years).toEqual([...years].sort((a, b) => b - a));
    expect(s1.json().total).toBe(9);
    const pr = await h.call('manager', 'GET', '/api/registers?sort=priority&pageSize=1');
    expect(pr.json().items[0].id).toBe('reg-20362-KH-01-2010');
  });

  it('400 for filter values outside their pattern: no way to write into the visibility query', async () => {
    const r = await h.call('manager', 'GET', `/api/registers?agency=${encodeURIComponent('20335" OR SohoaAgency != "x')}`);
    expect(r.statusCode).toBe(400);
    expect(r.json().details[0].path).toBe('querystring.agency');
    expect((await h.call('manager', 'GET', '/api/registers?step=flying')).statusCode).toBe(400);
    expect((await h.call('manager', 'GET', '/api/registers?pageSize=0')).json().details[0].path).toBe('querystring.pageSize');
  });

  it("one book's status; 404 for an unknown book, 403 outside the jurisdiction", async () => {
    const r = await h.call('clerk', 'GET', '/api/registers/reg-20335-KS-02-2017');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ workflowId: 'reg-20335-KS-02-2017', step: 'inventory', phase: 'work', priority: 2, pendingActions: expect.arrayContaining(['confirmInventory']) });
    expect((await h.call('clerk', 'GET', '/api/registers/reg-20335-KS-77-2017')).statusCode).toBe(404);
    expect((await h.call('clerk', 'GET', '/api/registers/not-a-book')).statusCode).toBe(404);
    const f = await h.call('otherClerk', 'GET', '/api/registers/reg-20335-KS-02-2017');
    expect(f.statusCode).toBe(403);
    expect(f.json().message).toContain('ngoài phạm vi');
  });

  it('a book read again unchanged answers without asking Temporal; an action here shows at once, a change elsewhere once the read model has looked', async () => {
    const bookId = (await created([item({ bookNo: '61' })], 'clerk')).items[0]!.id!;
    const read = (who: 'clerk' | 'otherClerk' = 'clerk') => h.call(who, 'GET', `/api/registers/${bookId}`);
    const describe = vi.spyOn(h.env.client.workflowService, 'describeWorkflowExecution');
    try {
      // Once the read model has looked at the new book, its status answered before comes back as it was.
      await eventually(
        async () => {
          describe.mockClear();
          const r = await read();
          return { step: r.json().step, asked: describe.mock.calls.length };
        },
        (r) => r.step === 'inventory' && r.asked === 0,
      );
      // The read model's holder turns away a clerk of another agency, still without asking Temporal.
      describe.mockClear();
      expect((await read('otherClerk')).statusCode).toBe(403);
      expect(describe).not.toHaveBeenCalled();
      // The clerk's own action through this API: the next read shows it.
      expect((await h.call('clerk', 'POST', `/api/registers/${bookId}/actions/confirmInventory`, { cases: 5, pages: 10, condition: 'good' })).statusCode).toBe(200);
      expect((await read()).json()).toMatchObject({ step: 'scan', counts: { inventoryCases: 5 } });
      // A change made outside this API (another API process, the CLI): shown once the read model has looked.
      await h.env.client.workflow.getHandle(bookId).executeUpdate(actionUpdates.setPriority, { args: [{ actor: users.manager, payload: { priority: 5, reason: 'cần gấp' } }] });
      await eventually(async () => (await read()).json(), (st) => st.priority === 5);
    } finally {
      describe.mockRestore();
    }
  });

  it('reference data and the current user', async () => {
    const r = referenceSchema.parse((await h.call('districtClerk', 'GET', '/api/reference')).json());
    expect(r.registerTypes).toHaveLength(10);
    expect(r.agencies.every((a) => a.districtCode === '502')).toBe(true);
    expect(r.steps.find((s) => s.id === 'acceptance')?.label).toBe('Nghiệm thu');
    // Names of every unit, also outside the user's scope: the province's manager appears in timelines.
    expect(r.units.agencies.find((a) => a.code === '49')?.name).toBe('Sở Tư pháp tỉnh Quảng Nam');
    expect(r.units.districts.find((d) => d.code === '49')?.name).toBe('Cấp tỉnh');
    expect(r.province).toEqual({ code: '49', name: 'Quảng Nam' });
    expect(r.actions.filter((a) => a.management).map((a) => a.id)).toEqual(MANAGEMENT_ACTIONS);
  });

  it('the reference allows exactly what roleMayAct allows, so the dashboard shows the buttons the workflow accepts', async () => {
    const r = referenceSchema.parse((await h.call('clerk', 'GET', '/api/reference')).json());
    for (const action of r.actions)
      for (const role of roles)
        for (const step of steps) expect(action.allowed.some((p) => p.role === role && p.steps.includes(step)), `${role} ${action.id} ${step}`).toBe(roleMayAct(role, action.id, step));
  });
});

describe('actions', () => {
  const id = 'reg-20335-KS-05-2017';
  const act = (who: Parameters<ApiHarness['call']>[0], action: string, body?: unknown, headers?: Record<string, string>) =>
    h.call(who, 'POST', `/api/registers/${id}/actions/${action}`, body, headers);

  it('400 bad payload naming the field; 409 wrong step; 403 other agency; 404 unknown book or action', async () => {
    const bad = await act('clerk', 'confirmInventory', { cases: -1, pages: 2, condition: 'new' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path).sort()).toEqual(['body.cases', 'body.condition']);
    const wrong = await act('clerk', 'approve', {});
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ error: 'WrongStep' });
    expect((await act('otherClerk', 'confirmInventory', { cases: 1, pages: 1, condition: 'good' })).statusCode).toBe(403);
    expect((await h.call('clerk', 'POST', '/api/registers/reg-20335-KS-88-2017/actions/confirmInventory', { cases: 1, pages: 1, condition: 'good' })).statusCode).toBe(404);
    expect((await act('clerk', 'fly', {})).statusCode).toBe(404);
  });

  it('an accepted action returns the new status; the same Idempotency-Key twice is one action', async () => {
    const body = { cases: 12, pages: 30, condition: 'worn' };
    const r = await act('clerk', 'confirmInventory', body, { 'idempotency-key': 'ton-1' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ unchanged: false, status: { step: 'scan', counts: { inventoryCases: 12, inventoryPages: 30 } } });
    const again = await act('clerk', 'confirmInventory', body, { 'idempotency-key': 'ton-1' });
    expect(again.statusCode).toBe(200);
    const st = await h.env.client.workflow.getHandle(id).query(statusQuery);
    expect(st.actions.filter((a) => a.action === 'confirmInventory')).toHaveLength(1);
  });

  it('an action that changes nothing answers 200 unchanged; denied attempts are logged with actor and reason', async () => {
    const p = await act('manager', 'setPriority', { priority: 3 });
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ unchanged: true });
    await act('auditor', 'withdraw', { reason: 'thử quyền kiểm toán' });
    const line = h.logs.lines.find((l) => (l.denied as { actor?: { userId: string } } | undefined)?.actor?.userId === 'kiemtoan');
    expect(line).toMatchObject({ denied: { status: 403, reason: expect.stringContaining('auditor') } });
  });
});
