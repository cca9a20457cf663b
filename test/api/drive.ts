import type { ActionName } from '../../domain/actions';
import type { Actor } from '../../domain/actors';
import { workflowIdFor, type Book } from '../../domain/book';
import type { BookStatus } from '../../domain/bookState';
import { actionUpdates } from '../../workflows/definitions';
import { uploadSampleExcel, uploadSampleScans } from '../../clients/samples';
import { book, users } from '../support/fixtures';
import { waitForStatus } from '../support/temporal';
import type { ApiHarness } from './helpers';

/** States a book is driven to before a test acts on it. */
export type State = 'inventory' | 'scanWork' | 'scanReview' | 'dataWork' | 'importWork' | 'acceptanceReview';
export const CASES = 2;

/**
 * Drives a book (created through the API by the province manager) to a state with the
 * workflow's own updates and real sample deliveries: setup, not the thing under test.
 */
export async function driveTo(h: ApiHarness, b: Book, state: State): Promise<string> {
  const id = workflowIdFor(b);
  const r = await h.call('manager', 'POST', '/api/registers', {
    items: [{ agencyCode: b.agency.code, type: b.type, bookNo: b.bookNo, yearFrom: b.yearFrom, yearTo: b.yearTo }],
  });
  if (r.json().items[0].result !== 'created') throw new Error(`${id}: ${r.body}`);
  const act = (action: ActionName, actor: Actor, payload: unknown) =>
    h.env.client.workflow.getHandle(id).executeUpdate(actionUpdates[action], { args: [{ actor, payload }] });
  const wait = (pred: (s: BookStatus) => boolean) => waitForStatus(h.env.client, id, pred);
  const admin = users.admin;
  if (state === 'inventory') return id;
  await act('confirmInventory', admin, { cases: CASES, pages: CASES * 2, condition: 'good' });
  if (state === 'scanWork') return id;
  await act('scansUploaded', admin, { uploadPrefix: await uploadSampleScans(h.store, b, CASES) });
  await wait((s) => s.step === 'scan' && s.phase === 'review');
  if (state === 'scanReview') return id;
  await act('approve', admin, {});
  await wait((s) => s.step !== 'scan' && s.phase === 'work');
  if (state === 'dataWork') return id;
  await act('excelUploaded', admin, { excelKey: await uploadSampleExcel(h.store, b, CASES) });
  await wait((s) => s.step === 'excel' && s.phase === 'review');
  await act('approve', admin, {});
  await wait((s) => s.step === 'import' && s.phase === 'work');
  if (state === 'importWork') return id;
  await act('importConfirmed', admin, { imported: CASES, failed: 0 });
  await wait((s) => s.step === 'acceptance' && s.phase === 'review');
  return id;
}

let seq = 0;
/** A fresh book of a type at Tân Thạnh (20335, district 502), each with its own number. */
export function freshBook(type: Book['type'], agencyCode = '20335'): Book {
  seq++;
  return book({ agencyCode, type, bookNo: String(seq).padStart(2, '0'), yearFrom: 2016, yearTo: 2016 });
}
