import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../domain/book';
import { statusQuery } from '../../workflows/definitions';
import { sampleC06Csv } from '../../clients/samples';
import { ksCsv } from '../data/c06Fixtures';
import { book } from '../support/fixtures';
import { driveTo, freshBook } from './drive';
import { startApi, type ApiHarness } from './helpers';
import { multipart } from './multipart';

/**
 * A C06 batch is kept per uploader scope: the commune clerk of Minh An (20245, Hội An) re-posting
 * the batch of Tam Kỳ's communes learns nothing of Tam Kỳ's books and acts on none of them, and the
 * C06 officer of Tam Kỳ (502) uploading the same file afterwards gets it processed.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
});
afterAll(async () => h?.close());

const post = (who: 'c06' | 'otherClerk', data: Buffer, filename: string) => {
  const { payload, headers } = multipart([{ filename, contentType: 'text/csv', data }]);
  return h.call(who, 'POST', '/api/c06/batches', payload, headers);
};
const c06Artifact = async (id: string) => (await h.env.client.workflow.getHandle(id).query(statusQuery)).artifacts.find((a) => a.kind === 'c06Batch');
const timeline = async (id: string) => (await h.call('admin', 'GET', `/api/registers/${id}/history`)).body;

describe('C06 batches are kept and answered per uploader scope', () => {
  it('a clerk of another commune posting a batch first: nothing of the batch’s books, no update; the C06 officer’s later upload is processed', async () => {
    const b1 = book({ agencyCode: '20194', type: 'birth', bookNo: '01', yearFrom: 2017, yearTo: 2017 });
    const b2 = book({ agencyCode: '20194', type: 'birth', bookNo: '02', yearFrom: 2017, yearTo: 2017 });
    const ids = await Promise.all([driveTo(h, b1, 'dataWork'), driveTo(h, b2, 'dataWork')]);

    const clerk = await post('otherClerk', ksCsv(), 'c06-tamky.csv');
    expect(clerk.statusCode, clerk.body).toBe(200);
    expect(clerk.json()).toMatchObject({ unchanged: false, matched: [] });
    for (const id of ids) {
      expect(clerk.body).not.toContain(id);
      expect(await c06Artifact(id)).toBeUndefined();
    }

    const officer = await post('c06', ksCsv(), 'c06-tamky.csv');
    expect(officer.statusCode, officer.body).toBe(200);
    expect(officer.json().unchanged).toBe(false);
    expect(officer.json().matched.map((m: { id: string; result: string }) => [m.id, m.result]).sort()).toEqual(ids.map((id) => [id, 'done']).sort());
    for (const id of ids) expect((await c06Artifact(id))?.key).toBe(officer.json().batchRef);
  });

  it('the officer’s batch re-posted by a clerk of another commune: the answer names none of its books, and no update reaches them as the clerk', async () => {
    const b = freshBook('birth');
    const id = await driveTo(h, b, 'dataWork');
    const csv = sampleC06Csv(b, 3);
    const officer = await post('c06', csv, 'c06-mot-so.csv');
    expect(officer.statusCode, officer.body).toBe(200);
    expect(officer.json().matched).toEqual([expect.objectContaining({ id, rows: 3, result: 'done' })]);

    const clerk = await post('otherClerk', csv, 'c06-mot-so.csv');
    expect(clerk.statusCode, clerk.body).toBe(200);
    expect(clerk.json()).toMatchObject({ unchanged: false, matched: [], ambiguous: [] });
    expect(clerk.body).not.toContain(id);
    expect(clerk.body).not.toContain(b.agency.name);
    // Only the officer delivered to the book.
    const history = await timeline(id);
    expect(history).toContain(workflowIdFor(b));
    expect(history).toContain('c06.tamky');
    expect(history).not.toContain('congchuc.minhan');

    // The officer sending it again is the same batch for the same scope: nothing new.
    const again = await post('c06', csv, 'c06-mot-so.csv');
    expect(again.json()).toMatchObject({ unchanged: true, batchRef: officer.json().batchRef });
  });
});
