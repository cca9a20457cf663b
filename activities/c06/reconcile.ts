import { badInput } from '../failures';
import ExcelJS from 'exceljs';
import { c06KeyFromBatchRef } from '../../domain/c06';
import type { Book } from '../../domain/book';
import type { ArtifactStore } from '../../clients/storage/types';

export interface ReconcileC06Input {
  book: Book;
  /** `c06Received.batchRef` (C06-xxxxxxxxxxxx). */
  batchRef: string;
  /** `c06Received.records`, when the sender gave it. */
  records?: number;
}

export interface ReconcileC06Result {
  /** The book's normalised C06 rows (template form): the Excel key for submitImport. */
  key: string;
  sha256: string;
  bytes: number;
  rows: number;
  /** Set when the delivered count differs from the rows in the file. */
  problem?: string;
}

/**
 * Workflow side of a C06 delivery: finds the book's file written by the intake, counts its rows
 * (streaming) and checks them against the count the signal carried. A batchRef without a file for
 * this book is bad input (non-retryable).
 */
export function createC06Activities(deps: { store: ArtifactStore }) {
  return {
    async reconcileC06(input: ReconcileC06Input): Promise<ReconcileC06Result> {
      let key: string;
      try {
        key = c06KeyFromBatchRef(input.book, input.batchRef);
      } catch (e) {
        throw badInput('C06BadBatchRef', (e as Error).message);
      }
      const head = await deps.store.head(key);
      if (!head) throw badInput('C06FileMissing', `lô C06 ${input.batchRef} không có dữ liệu cho sổ này (${key})`);
      let rows = 0;
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(await deps.store.get(key), { worksheets: 'emit', sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', entries: 'emit' });
      let sheet = 0;
      for await (const ws of reader) {
        const first = sheet++ === 0;
        for await (const row of ws as AsyncIterable<ExcelJS.Row>) if (first && row.number > 1 && row.hasValues) rows++;
      }
      const problem = input.records !== undefined && input.records !== rows ? `lô C06 báo ${input.records} bản ghi, tệp của sổ có ${rows} dòng` : undefined;
      return { key, sha256: head.sha256, bytes: head.bytes, rows, ...(problem ? { problem } : {}) };
    },
  };
}
export type C06Activities = ReturnType<typeof createC06Activities>;
