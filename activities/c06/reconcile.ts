import { badInput } from '../failures';
import { c06FlagsKey, c06KeyFromBatchRef, type C06RowFlag } from '../../domain/c06';
import type { Book } from '../../domain/book';
import { columnLetter, templateFor } from '../../domain/excel';
import { isNotFound } from '../../clients/storage/errors';
import type { ArtifactStore } from '../../clients/storage/types';
import type { XlsxLimits } from '../sheets/xlsx';
import { createValidateExcel } from '../excel/validateExcel';
import type { Heartbeat } from '../heartbeat';

export interface ReconcileC06Input {
  book: Book;
  /** `c06Received.batchRef` (C06-xxxxxxxxxxxx). */
  batchRef: string;
  /** `c06Received.records`, when the sender gave it. */
  records?: number;
  /** Store key of the scan manifest: the rows are cross-checked against its PDFs, as an Excel upload's. */
  manifestKey?: string;
}

/** One thing the clerk must look at: a row of the book's file (its cell and field) or the whole file. */
export interface C06Finding {
  /** Row of the book's file (header on row 1); absent for the file as a whole. */
  row?: number;
  cell?: string;
  column?: string;
  /** The row in the batch C06 sent, when the intake flagged it. */
  batchRow?: number;
  messageVi: string;
}

export interface ReconcileC06Result {
  /** The book's normalised C06 rows (template form): the Excel key for submitImport. */
  key: string;
  sha256: string;
  bytes: number;
  rows: number;
  /** Set when the delivered count differs from the rows in the file. */
  problem?: string;
  /** Everything to confirm or correct before review, by row (at most MAX_FINDINGS); empty when the rows are clean. */
  findings: C06Finding[];
  /** How many findings there are in all, and on how many distinct rows (counted over the validation's first SAMPLE_SIZE problems and every flag). */
  findingCount: number;
  rowsFlagged: number;
  /** The validation's full list and the copy of the file with the problem cells in red, as for an Excel upload. */
  problemsKey?: string;
  annotatedKey?: string;
}

/** What a result may carry into the workflow's history. */
export const MAX_FINDINGS = 50;

async function readFlags(store: ArtifactStore, key: string): Promise<C06RowFlag[]> {
  try {
    return JSON.parse((await store.getBuffer(c06FlagsKey(key))).toString('utf8')) as C06RowFlag[];
  } catch (e) {
    // Files taken in before the intake kept its flags have none.
    if (isNotFound(e)) return [];
    throw e;
  }
}

/**
 * Workflow side of a C06 delivery: finds the book's file written by the intake and checks it as an
 * Excel upload is checked (template, every row against the book's years and the code lists, the
 * cases against the scans' manifest), adds the rows the intake flagged (impossible year, missing
 * registration date…), and compares the rows with the count the delivery carried. A batchRef
 * without a file for this book is bad input (non-retryable); doubtful rows are findings, not failures.
 */
export function createC06Activities(deps: { store: ArtifactStore; limits?: XlsxLimits; heartbeat?: Heartbeat }) {
  const validateExcel = createValidateExcel(deps);
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
      const v = await validateExcel({ book: input.book, excelKey: key, ...(input.manifestKey ? { manifestKey: input.manifestKey } : {}) });
      const flags = await readFlags(deps.store, key);

      // One finding per cell: the intake's note (it names the batch row and hints at the right year) wins.
      const columns = templateFor(input.book.type).columns.map((c) => c.key);
      const byCell = new Map<string, C06Finding>();
      const others: C06Finding[] = [];
      for (const p of v.sample) {
        const f: C06Finding = { ...(p.row && { row: p.row }), ...(p.cell && { cell: p.cell }), ...(p.column && { column: p.column }), messageVi: p.messageVi };
        if (p.row && p.column) byCell.set(`${p.row}:${p.column}`, f);
        else others.push(f);
      }
      let fromFlags = 0;
      for (const flag of flags) {
        const at = columns.indexOf(flag.field);
        const id = `${flag.row}:${flag.field}`;
        if (!byCell.has(id)) fromFlags++;
        byCell.set(id, {
          row: flag.row,
          ...(at >= 0 && { cell: `${columnLetter(at + 1)}${flag.row}` }),
          column: flag.field,
          batchRow: flag.batchRow,
          messageVi: flag.note,
        });
      }
      const problem = input.records !== undefined && input.records !== v.rows ? `lô C06 báo ${input.records} bản ghi, tệp của sổ có ${v.rows} dòng` : undefined;
      if (problem) others.unshift({ messageVi: problem });
      const cells = [...byCell.values()].sort((a, b) => a.row! - b.row! || (a.cell ?? '').localeCompare(b.cell ?? ''));
      const all = [...others, ...cells];
      return {
        key,
        sha256: head.sha256,
        bytes: head.bytes,
        rows: v.rows,
        ...(problem ? { problem } : {}),
        findings: all.slice(0, MAX_FINDINGS),
        findingCount: v.problemCount + fromFlags + (problem ? 1 : 0),
        rowsFlagged: new Set([...v.sample.flatMap((p) => (p.row ? [p.row] : [])), ...flags.map((f) => f.row)]).size,
        ...(v.problemsKey && { problemsKey: v.problemsKey }),
        ...(v.annotatedKey && { annotatedKey: v.annotatedKey }),
      };
    },
  };
}
export type C06Activities = ReturnType<typeof createC06Activities>;
