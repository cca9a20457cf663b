import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookIndex, fromBooks } from '../../api/services/bookIndex';
import type { BookService } from '../../api/services/books';
import { startRequestOf } from '../../clients/temporal/startBook';
import { buildQuery } from '../../clients/temporal/visibilityQuery';
import { planSettingsSchema } from '../../domain/settings';
import { WORKFLOW_TYPE } from '../../workflows/definitions';
import { book, units, users } from '../support/fixtures';
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

describe('the read model when visibility indexes a book late', () => {
  it('looks back further once it has seen lateness; a book this API wrote is asked for by id; one later than any look-back is found by the count', async () => {
    const late = new BookIndex(h.env.client, (e) => {
      throw e;
    }, { pollMs: 100, overlapMs: 1000, countMs: 3000 });
    late.start();
    try {
      await eventually(async () => late.known(id), (b) => b !== undefined);
      // Books stamped as if visibility had indexed their start this late (no worker polls their queue,
      // so nothing stamps them again).
      const startLate = async (bookNo: string, lateMs: number, began = Date.now() - lateMs) => {
        const request = startRequestOf(book({ bookNo }), planSettingsSchema.parse({}), 3, new Date(began));
        await h.env.client.workflow.start(WORKFLOW_TYPE, { ...request, taskQueue: 'nobody-polls' });
        return request.workflowId;
      };
      // 0.95 s late: inside the 1 s look-back, and seen as lateness.
      const first = await startLate('91', 950);
      await eventually(async () => late.known(first), (b) => b !== undefined, 5000);
      // 2 s late: outside the configured look-back, inside the one grown by the lateness seen (found
      // sooner than two counts 3 s apart could).
      const second = await startLate('92', 2000);
      await eventually(async () => late.known(second), (b) => b !== undefined, 1500);
      // A minute late, written by this API: asked for by id, a list waiting for this API's writes finds it.
      const began = Date.now() - 60_000;
      const fourth = await startLate('94', 60_000, began);
      const told = Date.now();
      late.wrote(fourth, began);
      await late.caughtUp(5000);
      expect({ known: late.known(fourth) !== undefined, beforeTwoCounts: Date.now() - told < 3000 }).toEqual({ known: true, beforeTwoCounts: true });
      // A minute late: no look finds it; two counts in a row hold one book more than the model, and it reloads.
      const third = await startLate('93', 60_000);
      await new Promise((r) => setTimeout(r, 400));
      expect(late.known(third)).toBeUndefined();
      await eventually(async () => late.known(third), (b) => b !== undefined, 15_000);
      expect(late.select(units, users.manager).length).toBe((await h.env.client.workflow.count(buildQuery(units, users.manager))).count);
    } finally {
      await late.stop();
    }
  }, 60_000);
});

describe('results kept by the read model', () => {
  it("a clerk's result stays kept while another commune's book changes, and is computed again when one of theirs does", async () => {
    const r = await h.call('manager', 'POST', '/api/registers', {
      items: [
        { agencyCode: '20335', type: 'KT', bookNo: '07', yearFrom: 2018, expectedCases: 30 },
        { agencyCode: '20398', type: 'KT', bookNo: '07', yearFrom: 2018, expectedCases: 30 },
      ],
    });
    const [ours, theirs] = r.json().items.map((i: { id: string }) => i.id) as [string, string];
    await eventually(async () => [index.known(ours), index.known(theirs)], (bs) => bs.every((b) => b?.summary.step === 'inventory'));
    // Loaded, the read model answers alone (BookService lists visibility only before the first load).
    const ctx = { index, books: {} as BookService, units, plan: { now: () => ({ deadline: '2030-01-01T00:00:00Z', nowMs: Date.now() }) } };
    let computed = 0;
    const queue = () => fromBooks(ctx, users.clerk, { status: 'running' }, 'queue', (books) => (computed++, books.map((b) => b.id).sort()));
    expect(await queue()).toContain(ours);
    expect(computed).toBe(1);
    const note = async (id: string, text: string) => {
      const was = index.known(id)!.version;
      expect((await h.call('manager', 'POST', `/api/registers/${id}/actions/addNote`, { text })).statusCode).toBe(200);
      await eventually(async () => index.known(id), (b) => b?.version !== was, 10_000);
    };
    await note(theirs, 'sổ của xã khác');
    expect([(await queue()).includes(theirs), computed]).toEqual([false, 1]);
    await note(ours, 'sổ của xã mình');
    await queue();
    expect(computed).toBe(2);
  }, 60_000);
});

describe("the read model's cost to Temporal", () => {
  it('is counted in the metrics: its loads and looks, and the books they read from visibility', async () => {
    const counted = async () => {
      const body = (await h.app.inject({ url: '/metrics' })).body;
      const n = (look: string, what: string) => Number(body.match(new RegExp(`^sohoa_read_model_${what}_total\\{look="${look}"\\} (\\d+)$`, 'm'))?.[1]);
      return { reloads: n('reload', 'looks'), looks: n('look', 'looks'), lookBooks: n('look', 'books') };
    };
    const before = await counted();
    // The API's own read model loaded the books at its start, and looks again and again.
    expect(before.reloads).toBeGreaterThanOrEqual(1);
    expect(before.looks).toBeGreaterThanOrEqual(1);
    const r = await h.call('manager', 'POST', '/api/registers', { items: [{ agencyCode: '20335', type: 'KH', bookNo: '08', yearFrom: 2019, expectedCases: 30 }] });
    expect(r.statusCode).toBe(200);
    // The new book is read back by the looks that follow its start.
    await eventually(counted, (c) => c.lookBooks > before.lookBooks && c.looks > before.looks, 10_000);
  }, 30_000);
});
