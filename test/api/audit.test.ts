import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { ROOT } from '../../clients/paths';
import { startApi, type ApiHarness } from './helpers';

let h: ApiHarness;
const a1 = 'reg-20335-KS-01-2017';
const a2 = 'reg-20335-KH-01-2012';
const b1 = 'reg-20398-KS-01-2018';
const tmp = join(ROOT, 'test', 'api', `.tmp-replay-${process.pid}`);

beforeAll(async () => {
  h = await startApi();
  const r = await h.call('manager', 'POST', '/api/registers', {
    items: [
      { agencyCode: '20335', type: 'KS', bookNo: '01', yearFrom: 2017 },
      { agencyCode: '20335', type: 'KH', bookNo: '01', yearFrom: 2012 },
      { agencyCode: '20398', type: 'KS', bookNo: '01', yearFrom: 2018 },
    ],
  });
  expect(r.json().summary.created).toBe(3);
  expect((await h.call('clerk', 'POST', `/api/registers/${a1}/actions/confirmInventory`, { cases: 5, pages: 9, condition: 'good' })).statusCode).toBe(200);
  expect((await h.call('manager', 'POST', `/api/registers/${a1}/actions/setPriority`, { priority: 1 })).statusCode).toBe(200);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await h?.close();
});

describe('history', () => {
  it('the timeline names the refused attempts too, with who and why (they never reach the event history)', async () => {
    const denied = await h.call('otherClerk', 'POST', `/api/registers/${a1}/actions/scansUploaded`, { uploadPrefix: 'x/y' });
    expect(denied.statusCode).toBe(403);
    const role = await h.call('contractor', 'POST', `/api/registers/${a1}/actions/setPriority`, { priority: 2 });
    expect(role.statusCode).toBe(403);
    const wrong = await h.call('clerk', 'POST', `/api/registers/${a1}/actions/confirmInventory`, { cases: 5, pages: 9, condition: 'good' });
    expect(wrong.statusCode).toBe(409);
    const t = (await h.call('auditor', 'GET', `/api/registers/${a1}/history`)).json();
    const refused = t.entries.filter((e: { kind: string }) => e.kind === 'denied');
    expect(refused.map((e: { actor: { userId: string }; error: string }) => [e.actor.userId, e.error])).toEqual([
      ['congchuc.minhan', expect.stringContaining('ngoài phạm vi')],
      ['nhathau.a', expect.stringContaining('vai trò contractor')],
      ['congchuc.tanthanh', expect.stringContaining('không thể "confirmInventory"')],
    ]);
    const events = (await h.call('auditor', 'GET', `/api/registers/${a1}/history?denied=false`)).json().entries;
    expect(events.some((e: { kind: string }) => e.kind === 'denied')).toBe(false);
    expect(events.filter((e: { kind: string }) => e.kind === 'action').map((e: { action: string; actor: { userId: string } }) => [e.action, e.actor.userId])).toEqual([
      ['confirmInventory', 'congchuc.tanthanh'],
      ['setPriority', 'quanly.tinh'],
    ]);
    expect((await h.call('clerk', 'GET', '/api/registers/reg-20335-KS-77-2017/history')).statusCode).toBe(404);
    expect((await h.call('otherClerk', 'GET', `/api/registers/${a1}/history`)).statusCode).toBe(403);
  });

  it('exports the raw event history as Temporal JSON, which parses back into a history', async () => {
    const r = await h.call('auditor', 'GET', `/api/registers/${a1}/history.json`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-disposition']).toContain(`${a1}.history.json`);
    const history = historyFromJSON(JSON.parse(r.body));
    expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('registerDigitization');
    expect(r.body).toContain('confirmInventory');
    expect((await h.call('auditor', 'GET', '/api/registers/reg-20335-KS-77-2017/history.json')).statusCode).toBe(404);
  });
});

describe('replay', () => {
  it('replays chosen books, or all of an agency, with the current workflow code: ok', async () => {
    const r = await h.call('auditor', 'POST', '/api/audit/replay', { ids: [a1, b1] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().summary).toEqual({ total: 2, ok: 2, nonDeterministic: 0, error: 0 });
    const byAgency = await h.call('auditor', 'POST', '/api/audit/replay', { agency: '20335' });
    expect(byAgency.json().results.map((x: { id: string }) => x.id).sort()).toEqual([a2, a1].sort());
    expect((await h.call('clerk', 'POST', '/api/audit/replay', { ids: [a1] })).statusCode).toBe(403);
    expect((await h.call('districtManager', 'POST', '/api/audit/replay', { ids: [b1] })).statusCode).toBe(403);
    expect((await h.call('auditor', 'POST', '/api/audit/replay', { ids: [a1], agency: '20335' })).statusCode).toBe(400);
  });

  it('reports a deliberately changed workflow as non-deterministic', async () => {
    // A copy of the workflow with a new command before its first one: old histories cannot be reproduced.
    // (Not a timer: a book whose first command is its wake-up timer would replay a new timer's firing the same.)
    await mkdir(tmp, { recursive: true });
    for (const f of await readdir(join(ROOT, 'workflows'))) {
      if (!f.endsWith('.ts')) continue;
      let src = (await readFile(join(ROOT, 'workflows', f), 'utf8')).replace(/(from |import )'\.\.\//g, "$1'../../../");
      if (f === 'registerDigitization.ts') {
        const sig = /export async function registerDigitization\([^)]*\)[^{]*\{/;
        expect(src).toMatch(sig);
        src = `import { upsertMemo as changedUpsert } from '@temporalio/workflow';\n${src.replace(sig, (m) => `${m}\n  changedUpsert({ changed: true });`)}`;
      }
      await writeFile(join(tmp, f), src);
    }
    const { code } = await bundleWorkflowCode({ workflowsPath: join(tmp, 'index.ts'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
    const bundlePath = join(tmp, 'changed-bundle.js');
    await writeFile(bundlePath, code);
    const changed = await buildApp({ config: h.config, temporal: { client: h.env.client }, store: h.store, outbox: h.outbox, users: h.usersFile, workflowBundlePath: bundlePath, logStream: h.logs });
    try {
      const r = await changed.inject({ method: 'POST', url: '/api/audit/replay', headers: { authorization: `Bearer ${h.tokens.auditor}` }, payload: { ids: [a1, b1] } });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().summary).toMatchObject({ total: 2, ok: 0, nonDeterministic: 2 });
      expect(r.json().results[0]).toMatchObject({ id: a1, result: 'nonDeterministic', error: expect.stringMatching(/nondetermin/i) });
    } finally {
      await changed.close();
    }
  }, 90_000);
});
