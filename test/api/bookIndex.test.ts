import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookIndex } from '../../api/services/bookIndex';
import { units, users } from '../support/fixtures';
import { eventually, startApi, type ApiHarness } from './helpers';

/**
 * The API's read model follows books by their SohoaUpdatedAt stamp alone (a query the server answers
 * from an index); a run that closes well after its last change, because its last notice is still being
 * retried, is asked for by id until it has closed.
 */
let h: ApiHarness;
let index: BookIndex;
let id: string;

beforeAll(async () => {
  h = await startApi();
  const r = await h.call('manager', 'POST', '/api/registers', { items: [{ agencyCode: '20335', type: 'KS', bookNo: '01', yearFrom: 2016, expectedCases: 30 }] });
  id = r.json().items[0].id;
  // Looks back only 1 s: a close landing later than that is seen by the ask by id, not by the stamp.
  index = new BookIndex(h.env.client, (e) => {
    throw e;
  }, { pollMs: 100, overlapMs: 1000 });
  index.start();
});
afterAll(async () => {
  await index?.stop();
  await h?.close();
});

describe("the API's read model", () => {
  it('keeps a result while no book changes; shows a withdrawn book running while its last notice is retried, closed once its run has closed', async () => {
    await eventually(async () => index.known(id), (b) => b?.summary.step === 'inventory');
    // A result is kept while no book changes, computed again after a change.
    let computed = 0;
    const running = () => index.kept('running', () => (computed++, index.select(units, users.manager, { status: 'running' }).length));
    expect([running(), running(), computed]).toEqual([1, 1, 1]);
    // The outbox breaks (its folder becomes a file): the deadline reminder the book now owes fails and is retried.
    const outboxDir = join(h.dir, 'outbox');
    await mkdir(outboxDir, { recursive: true });
    await rename(outboxDir, `${outboxDir}.bak`);
    await writeFile(outboxDir, 'không phải thư mục');
    const near = await h.call('manager', 'POST', `/api/registers/${id}/actions/setPlanDeadline`, { deadline: new Date(Date.now() + 3 * 86_400_000).toISOString(), reason: 'thử nhắc hạn' });
    expect(near.statusCode).toBe(200);
    const withdrawn = await h.call('manager', 'POST', `/api/registers/${id}/actions/withdraw`, { reason: 'sổ đã hủy' });
    expect(withdrawn.statusCode).toBe(200);

    const closing = await eventually(async () => index.known(id), (b) => b?.summary.step === 'withdrawn', 10_000);
    expect(closing!.attributes.running).toBe(true);
    expect([running(), computed]).toEqual([1, 2]);
    expect((await h.env.client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
    await new Promise((r) => setTimeout(r, 2000));

    // The outbox is back: the reminder's next attempt goes out and the run closes, long after the stamp.
    await rm(outboxDir);
    await rename(`${outboxDir}.bak`, outboxDir);
    await h.env.client.workflow.getHandle(id).result();
    const closed = await eventually(async () => index.known(id), (b) => b?.attributes.running === false, 10_000);
    expect(closed!.summary.executionStatus).toBe('COMPLETED');
    expect([running(), computed]).toEqual([0, 3]);
  }, 90_000);
});
