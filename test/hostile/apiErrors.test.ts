import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import type { FsStore } from '../../clients/storage/fs';
import { LogCapture, startApi, type ApiHarness } from '../api/helpers';

/** Errors a hostile caller provokes: each must be a fast 4xx naming what is wrong, and a 5xx must tell nothing. */
let h: ApiHarness;
const a1 = 'reg-20335-KS-01-2017';

beforeAll(async () => {
  h = await startApi();
  const r = await h.call('manager', 'POST', '/api/registers', {
    items: ['01', '02', '03'].map((bookNo) => ({ agencyCode: '20335', type: 'KS', bookNo, yearFrom: 2017 })),
  });
  expect(r.json().summary.created).toBe(3);
});
afterAll(async () => h?.close());

describe('page tokens', () => {
  it('a made-up pageToken is a 400 at once naming the parameter; the tokens the API hands out still page', async () => {
    for (const token of ['abc', 'eyJTdGFydFRpbWUiOiJ4In0', `${'A'.repeat(40)}.${'B'.repeat(22)}`, '%00%ff']) {
      const t0 = Date.now();
      const r = await h.call('clerk', 'GET', `/api/registers?pageToken=${token}`);
      expect(r.statusCode, token).toBe(400);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(r.json().details[0].path).toBe('querystring.pageToken');
    }
    const first = (await h.call('clerk', 'GET', '/api/registers?pageSize=2')).json();
    expect(first.items).toHaveLength(2);
    const next = await h.call('clerk', 'GET', `/api/registers?pageSize=2&pageToken=${encodeURIComponent(first.nextPageToken)}`);
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json().items.map((b: { id: string }) => b.id)).not.toContain(first.items[0].id);
  });
});

describe('internal errors', () => {
  it('a 500 answers a generic message and the request id; the cause is only in the log, under that id', async () => {
    const broken = Object.create(h.store) as FsStore;
    broken.list = async () => {
      throw new Error('EACCES: /srv/bi-mat/khoa-s3 không đọc được');
    };
    const logs = new LogCapture();
    const app = await buildApp({ config: h.config, temporal: { client: h.env.client }, store: broken, outbox: h.outbox, users: h.usersFile, logStream: logs });
    try {
      const r = await app.inject({ url: `/api/registers/${a1}/files`, headers: { authorization: `Bearer ${h.tokens.clerk}` } });
      expect(r.statusCode).toBe(500);
      const id = String(r.headers['x-request-id']);
      expect(r.json()).toEqual({ error: 'Internal', message: expect.stringContaining(id), details: [{ path: 'requestId', message: id }] });
      expect(r.body).not.toMatch(/EACCES|bi-mat|khoa-s3/);
      await new Promise((res) => setTimeout(res, 50));
      expect(logs.lines.find((l) => l.requestId === id && l.level === 50)).toMatchObject({ err: { message: expect.stringContaining('bi-mat') } });
    } finally {
      await app.close();
    }
  });
});

describe('idempotency keys', () => {
  it('the same key with the same payload is one action; with another payload or another action it is refused, naming the key', async () => {
    const key = { 'idempotency-key': 'uu-tien-lan-1' };
    const first = await h.call('manager', 'POST', `/api/registers/${a1}/actions/setPriority`, { priority: 1 }, key);
    expect(first.statusCode, first.body).toBe(200);
    const again = await h.call('manager', 'POST', `/api/registers/${a1}/actions/setPriority`, { priority: 1 }, key);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const other = await h.call('manager', 'POST', `/api/registers/${a1}/actions/setPriority`, { priority: 5 }, key);
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ error: 'IdempotencyKeyReused', message: expect.stringContaining('"uu-tien-lan-1"') });
    expect(other.json().details[0].path).toBe('headers.idempotency-key');
    const otherAction = await h.call('manager', 'POST', `/api/registers/${a1}/actions/extendDeadline`, { deadline: '2100-01-01T00:00:00+07:00', reason: 'gia hạn' }, key);
    expect(otherAction.statusCode).toBe(409);
    const status = (await h.call('manager', 'GET', `/api/registers/${a1}`)).json();
    expect(status.priority).toBe(1);
    expect(status.actions.filter((a: { action: string }) => a.action === 'setPriority')).toHaveLength(1);
    // The audit trail keeps the server's id for the request and the client's key apart.
    const entry = (await h.call('auditor', 'GET', `/api/registers/${a1}/history`)).json().entries.find((e: { action?: string; kind: string }) => e.kind === 'action' && e.action === 'setPriority');
    expect(entry).toMatchObject({ requestId: first.headers['x-request-id'], idempotencyKey: expect.stringMatching(/^uu-tien-lan-1~[0-9a-f]{16}$/) });
  });
});

describe('what schemathesis found, kept as plain cases', () => {
  const as = (method: string, url: string, extra: { headers?: Record<string, string>; payload?: string | object } = {}) =>
    h.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${h.tokens.manager}`, ...extra.headers }, ...(extra.payload !== undefined ? { payload: extra.payload } : {}) });

  it('a method a path does not take is 405 with the methods it does take, whatever the body; an unknown path stays 404', async () => {
    const cases: Array<[string, string, string]> = [
      ['TRACE', '/api/me', 'GET, HEAD'],
      ['DELETE', `/api/registers/${a1}`, 'GET, HEAD'],
      ['OPTIONS', '/api/reports/progress', 'GET, HEAD'],
      ['GET', '/api/bulk/approve', 'POST'],
      ['PATCH', '/health', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const r = await as(method, url);
      expect(r.statusCode, `${method} ${url}`).toBe(405);
      expect(r.headers.allow).toBe(allow);
      expect(r.json().error).toBe('MethodNotAllowed');
    }
    const query = await as('QUERY', '/api/bulk/00000000-0000-4000-8000-000000000000');
    expect(query.statusCode).toBe(405);
    const broken = await as('PUT', '/api/me', { headers: { 'content-type': 'application/json' }, payload: '{"x":' });
    expect(broken.statusCode).toBe(405);
    expect((await as('POST', '/api/khong-co', { headers: { 'content-type': 'application/json' }, payload: '{' })).statusCode).toBe(404);
    // A catch-all that names the actions is no documented route: it makes no path exist for a 405.
    expect((await as('GET', '/api/bulk/khong-phai-ma-cong-viec')).statusCode).toBe(404);
    expect((await as('GET', `/api/registers/${a1}/actions/khong-co`)).statusCode).toBe(404);
  });

  it('a book id too long is a 400 naming it, then a 414 in the usual error format', async () => {
    const long = await as('GET', `/api/registers/${'0'.repeat(300)}`);
    expect(long.statusCode).toBe(400);
    expect(long.json().details[0].path).toBe('params.id');
    const huge = await as('POST', `/api/registers/${'0'.repeat(600)}/actions/addNote`, { payload: { text: 'x' } });
    expect(huge.statusCode).toBe(414);
    expect(huge.json()).toMatchObject({ error: 'UriTooLong', message: expect.stringContaining('quá dài') });
  });

  it('multipart/form-data without a boundary is a 400, not a 500', async () => {
    const r = await as('POST', '/api/registers/import', { headers: { 'content-type': 'multipart/form-data' }, payload: '' });
    expect(r.statusCode).toBe(400);
    expect(r.json().details[0].path).toBe('headers.content-type');
  });

  it('a replay of ids that are no book ids is a 400 naming the id', async () => {
    const r = await h.call('auditor', 'POST', '/api/audit/replay', { ids: [a1, ''] });
    expect(r.statusCode).toBe(400);
    expect(r.json().details[0].path).toBe('body.ids.1');
  });

  it('the OpenAPI document declares each download’s 200 with its media type, and 414 and 429 on every protected route', async () => {
    const doc = (await h.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
    const downloads: Array<[string, string]> = [
      ['/api/templates/inventory.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['/api/templates/{file}', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['/api/reports/acceptance', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ['/api/registers/{id}/file', 'application/pdf'],
      ['/api/registers/{id}/history.json', 'application/json'],
    ];
    for (const [path, type] of downloads) expect(Object.keys(doc.paths[path]!.get!.responses['200']!.content ?? {}), path).toContain(type);
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [m, op] of Object.entries(methods)) expect(Object.keys(op.responses), `${m} ${path}`).toEqual(expect.arrayContaining(['401', '414', '429']));
    }
  });
});

describe('free text', () => {
  it('NUL, control characters and bidi overrides are refused with a 400 naming the field; ordinary Vietnamese text with line breaks is taken', async () => {
    const id = 'reg-20335-KS-02-2017';
    const cases: Array<[string, object, string]> = [
      ['addNote', { text: 'ghi chú\u0000ẩn' }, 'body.text'],
      ['addNote', { text: 'hóa đơn \u202Efdp.exe' }, 'body.text'],
      ['withdraw', { reason: 'trùng \u2066lặp\u2069' }, 'body.reason'],
      ['approve', { note: 'chuông\u0007' }, 'body.note'],
    ];
    for (const [action, payload, path] of cases) {
      const r = await h.call('manager', 'POST', `/api/registers/${id}/actions/${action}`, payload);
      expect(r.statusCode, `${action} ${JSON.stringify(payload)}`).toBe(400);
      expect(r.json().details.map((d: { path: string }) => d.path), action).toContain(path);
      expect(r.json().message).toMatch(/U\+(0000|202E|2066|0007)/);
    }
    const reject = await h.call('manager', 'POST', '/api/bulk/withdraw?wait=true', { ids: [id], payload: { reason: 'x\u202Dy' } });
    expect(reject.statusCode).toBe(400);
    expect(reject.json().details[0].path).toBe('body.payload.reason');
    const q = await h.call('clerk', 'GET', `/api/registers?q=${encodeURIComponent('01\u0000')}`);
    expect(q.statusCode).toBe(400);
    expect(q.json().details[0].path).toBe('querystring.q');
    const ok = await h.call('clerk', 'POST', `/api/registers/${id}/actions/addNote`, { text: 'Trang 3 mờ,\nđã báo nhà thầu.\tXem lại.' });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});
