import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportActivities, HttpGateway, type HttpResult } from '../../activities/gateway';
import { workflowIdFor } from '../../domain/book';
import { book } from '../support/fixtures';
import { startFakeNational, type FakeNational } from '../support/fakeNational';
import { startDevServer } from '../support/temporal';
import { storeBookPackage } from './bookPackage';
import { tempStore } from './c06Fixtures';

/**
 * The http gateway under real Temporal retries (dev server): the endpoint fails more often than the
 * activity's quick attempts cover and answers one call too late; each book still ends imported once.
 */
describe('submitImport on Temporal against a faulty national endpoint', () => {
  let env: TestWorkflowEnvironment;
  let national: FakeNational;
  let s: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    [env, national, s] = await Promise.all([startDevServer(), startFakeNational({ failFirst: 3, slowFirst: { calls: 5, ms: 1_500 }, acceptAtMost: 4 }), tempStore()]);
  });
  afterAll(async () => {
    await national?.stop();
    await env?.teardown();
    await s?.cleanup();
  });

  it('ends with the endpoint’s counts and exactly one real submission per book', async () => {
    const books = ['11', '12'].map((bookNo) => book({ agencyCode: '502', bookNo }));
    const pkgs = await Promise.all(
      books.map(async (b) => {
        const f = await storeBookPackage(s.store, b, [1, 1, 2, 1, 1, 2]);
        return { workflowId: workflowIdFor(b), book: b, excelKey: f.keys.excel, zipKey: f.keys.zip, manifestKey: f.keys.manifest, records: f.records };
      }),
    );
    const taskQueue = `gateway-${process.pid}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./workflows/importOnce.ts', import.meta.url)),
      activities: createImportActivities({ store: s.store, gateway: new HttpGateway({ url: national.url, store: s.store, timeoutMs: 400, attempts: 2, backoffMs: 50 }) }),
    });
    const results = await worker.runUntil(
      Promise.all(pkgs.map((p) => env.client.workflow.execute('importOnce', { taskQueue, workflowId: `import-${p.workflowId}`, args: [p] }))),
    );
    for (const r of results as HttpResult[]) expect(r).toMatchObject({ mode: 'http', accepted: 4, rejected: 2 });
    expect(national.submissions.map((x) => x.idempotencyKey.split(':')[0]).sort()).toEqual(pkgs.map((p) => p.workflowId).sort());
    // 3 refusals and 2 late answers before the two that count: the faults really happened.
    expect(national.calls).toBeGreaterThanOrEqual(7);
  });
});
