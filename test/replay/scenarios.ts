import type { Client } from '@temporalio/client';
import type { ArtifactStore } from '../../activities/storage/types';
import type { Actor } from '../../domain/actors';
import { workflowIdFor, type Book } from '../../domain/book';
import type { BookStatus } from '../../domain/bookState';
import { actionUpdates, WORKFLOW_TYPE } from '../../domain/messages';
import { uploadSampleExcel, uploadSampleScans } from '../../scripts/lib/samples';
import { book, input, users } from '../support/fixtures';
import { waitForStatus } from '../support/temporal';

interface Ctx {
  act: (action: keyof typeof actionUpdates, actor: Actor, payload?: unknown) => Promise<unknown>;
  /** Waits for the automatic step to hand the book back to a person. */
  settled: () => Promise<BookStatus>;
  scans: (cases: number) => Promise<string>;
  excel: (cases: number) => Promise<string>;
}

/** Books driven to the ends auditors care about; their histories are saved and replayed in CI. */
export const scenarios: { name: string; book: Book; deadline: string; drive: (c: Ctx) => Promise<void> }[] = [
  {
    name: 'completed-excel',
    book: book({ agencyCode: '502', bookNo: '31' }),
    deadline: '2099-01-01T00:00:00+07:00',
    drive: async ({ act, settled, scans, excel }) => {
      await act('confirmInventory', users.districtClerk, { cases: 3, pages: 6, condition: 'good' });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(3) });
      await settled();
      await act('approve', users.districtClerk);
      await act('excelUploaded', users.contractor, { excelKey: await excel(3) });
      await settled();
      await act('approve', users.districtClerk);
      await settled();
      await act('importConfirmed', users.districtClerk, { imported: 3, failed: 0 });
      await settled();
      await act('approve', users.manager, { note: 'Đạt yêu cầu' });
    },
  },
  {
    name: 'rejected-then-completed-manual',
    book: book({ type: 'guardianship', bookNo: '32' }),
    deadline: '2099-01-01T00:00:00+07:00',
    drive: async ({ act, settled, scans }) => {
      await act('confirmInventory', users.clerk, { cases: 2, pages: 4, condition: 'worn' });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(1) });
      await settled(); // one case missing: back to the contractor
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(2) });
      await settled();
      await act('reject', users.clerk, { reasons: ['Trang 2 bị mờ, quét lại'] });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(2) });
      await settled();
      await act('approve', users.clerk);
      await act('manualEntryProgress', users.clerk, { entered: 1 });
      await act('manualEntryProgress', users.clerk, { entered: 2, complete: true });
      await settled();
      await act('reject', users.manager, { reasons: ['Thiếu 1 trường hợp'], backTo: 'manualEntry' });
      await act('manualEntryProgress', users.clerk, { entered: 2, complete: true });
      await settled();
      await act('approve', users.manager);
    },
  },
  {
    name: 'withdrawn',
    book: book({ type: 'death', bookNo: '33' }),
    deadline: '2099-01-01T00:00:00+07:00',
    drive: async ({ act }) => {
      await act('setPriority', users.manager, { priority: 1 });
      await act('withdraw', users.manager, { reason: 'Sổ trùng, đã số hóa ở cấp huyện' });
    },
  },
  {
    name: 'overdue-extended-c06',
    book: book({ type: 'marriage', bookNo: '34', yearFrom: 2005, yearTo: 2006 }),
    deadline: '2025-01-01T00:00:00+07:00',
    drive: async ({ act, settled, scans }) => {
      await act('confirmInventory', users.clerk, { cases: 4, pages: 8, condition: 'damaged', repairNeeded: true });
      await act('extendDeadline', users.manager, { deadline: '2099-03-12T00:00:00+07:00', reason: 'Kế hoạch lùi' });
      await act('scansUploaded', users.contractor, { uploadPrefix: await scans(4) });
      await settled();
      await act('approve', users.clerk);
      await act('c06Received', users.c06, { batchRef: 'C06-2024-11-11', records: 4 });
      await act('approve', users.clerk);
    },
  },
];

export async function runScenario(client: Client, taskQueue: string, store: ArtifactStore, s: (typeof scenarios)[number]) {
  const id = workflowIdFor(s.book);
  const handle = await client.workflow.start(WORKFLOW_TYPE, { taskQueue, workflowId: id, args: [input(s.book, { deadline: s.deadline })] });
  await s.drive({
    act: (action, actor, payload = {}) => handle.executeUpdate(actionUpdates[action], { args: [{ actor, payload }] }),
    settled: () => waitForStatus(client, id, (st) => st.phase !== 'processing'),
    scans: (cases) => uploadSampleScans(store, s.book, cases),
    excel: (cases) => uploadSampleExcel(store, s.book, cases),
  });
  return handle;
}
