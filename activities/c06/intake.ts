import { badInput } from '../failures';
import { LimitExceeded } from '../limits';
import { heartbeat } from '../heartbeat';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  buildC06Index,
  c06BatchRef,
  c06BookKey,
  c06FlagsKey,
  c06TypeOfHeader,
  c06UnknownColumns,
  matchC06Row,
  normaliseC06Row,
  type C06Correction,
  type C06CorrectionCode,
  type C06RowFlag,
  type CandidateBook,
} from '../../domain/c06';
import { templateFor } from '../../domain/excel/columns';
import { typeCode, type RegisterType } from '../../domain/registerTypes';
import { isNotFound } from '../../clients/storage/errors';
import type { ArtifactStore } from '../../clients/storage/types';
import { DEFAULT_LIMITS } from '../../clients/config';
import { writeTemplate, type TemplateRow } from '../excel/template';
import { parseC06Batch, type C06Format, type C06Limits } from './parse';
import { RowSpool } from './spool';

export interface C06BatchInput {
  /** The batch as a stream to store first, or already stored (by the API) with its sha256. */
  source: { stream: Readable } | { key: string; sha256: string };
  format: C06Format;
  fileName: string;
  /** The batch's register type when its rows carry none and the header does not tell. */
  type?: RegisterType;
}

export interface C06MatchedBook {
  workflowId: string;
  rows: number;
  /** The book's normalised rows, as an Excel file in the template's form. */
  key: string;
  sha256: string;
}

export interface C06IntakeResult {
  /** Reference the lead delivers to each matched workflow (`c06Received.batchRef`). */
  batchRef: string;
  sha256: string;
  fileName: string;
  /** True when this batch (same sha256) was taken in before: nothing was written again. */
  unchanged: boolean;
  rows: number;
  matched: C06MatchedBook[];
  unmatched: { row: number; reason: string }[];
  ambiguous: { row: number; reason: string; workflowIds: string[] }[];
  /** Counts of corrections and flags; the full list is in `correctionsKey`. */
  corrections: { total: number; corrected: number; flagged: number; rowsFlagged: number; byCode: Partial<Record<C06CorrectionCode, number>> };
  correctionsKey: string;
  reportKey: string;
  sourceKey: string;
  unknownColumns: string[];
}

/** Whose books a batch was matched against, as a key segment: `district-502`, `agency-20194`, `all`. */
export const C06_SCOPE = /^(all|(province|district|agency)-\d{2,5})$/;

/**
 * Store keys of a batch, by the uploader's scope and the batch's sha256: the same file sent by
 * someone of another scope is matched against their own books, never answered from another's.
 */
export const c06BatchKeys = (scope: string, sha256: string) => {
  if (!C06_SCOPE.test(scope)) throw new Error(`phạm vi lô C06 "${scope}" không hợp lệ`);
  const prefix = `c06/batches/${scope}/${sha256}`;
  return {
    prefix,
    report: `${prefix}/report.json`,
    corrections: `${prefix}/corrections.json`,
    source: (format: C06Format) => `${prefix}/source.${format}`,
  };
};


/**
 * Takes in a C06 batch: stores it under its sha256, reads it streaming, normalises every row to
 * the template's form (every correction listed), matches rows to the candidate books, and writes
 * per matched book an Excel file in the template's form plus a batch report. The report is
 * written last: it marks the batch as taken in, so the same batch again returns it `unchanged`.
 */
export async function intakeC06Batch(opts: {
  store: ArtifactStore;
  batch: C06BatchInput;
  candidates: CandidateBook[];
  /** The uploader's scope (C06_SCOPE): the candidates are that scope's books. `all` for every book. */
  scope?: string;
  /** The province's districts by code and name: rows name theirs either way. */
  districts: ReadonlyArray<{ code: string; name: string }>;
  /** Latest possible year in dates (default: this year). */
  maxYear?: number;
  /** What a batch may hold (rows, cells, shared strings…); the configured defaults otherwise. */
  limits?: C06Limits;
}): Promise<C06IntakeResult> {
  const { store, batch } = opts;
  const own = 'stream' in batch.source;
  const incoming = 'stream' in batch.source ? `c06/incoming/${randomUUID()}.${batch.format}` : batch.source.key;
  const stored = 'stream' in batch.source ? await store.put(incoming, batch.source.stream) : await storedBatch(store, batch.source, batch.fileName);
  const keys = c06BatchKeys(opts.scope ?? 'all', stored.sha256);
  try {
    const previous = await readJson<C06IntakeResult>(store, keys.report);
    if (previous) return { ...previous, unchanged: true };
    await store.copy(incoming, keys.source(batch.format));
  } finally {
    // The API's upload is the API's to remove (a retried attempt reads it again).
    if (own) await store.delete(incoming);
  }
  if (stored.bytes === 0) throw badInput('C06EmptyBatch', `tệp C06 ${batch.fileName} rỗng`);

  const index = buildC06Index(opts.candidates, opts.districts);
  const books = new Map(opts.candidates.map((c) => [c.workflowId, c]));
  const spool = new RowSpool<TemplateRow>();
  const correctionsSpool = new RowSpool<C06Correction>(2000);
  const flagsSpool = new RowSpool<C06RowFlag>();
  const unmatched: C06IntakeResult['unmatched'] = [];
  const ambiguous: C06IntakeResult['ambiguous'] = [];
  const counts = new Map<string, number>();
  const byCode: Partial<Record<C06CorrectionCode, number>> = {};
  const flaggedRows = new Set<number>();
  let corrected = 0;
  let flagged = 0;
  let rows = 0;
  let headerType: RegisterType | undefined;
  let unknownColumns: string[] = [];

  const addCorrection = async (c: C06Correction) => {
    await correctionsSpool.add('all', c);
    byCode[c.code] = (byCode[c.code] ?? 0) + 1;
    if (c.kind === 'flagged') {
      flagged++;
      flaggedRows.add(c.row);
    } else corrected++;
  };

  try {
    const source = await store.get(keys.source(batch.format));
    try {
      for await (const raw of parseC06Batch(source, batch.format, opts.limits ?? DEFAULT_LIMITS, batch.fileName)) {
        if (rows === 0) {
          const header = Object.keys(raw.values);
          headerType = c06TypeOfHeader(header) ?? batch.type;
          unknownColumns = c06UnknownColumns(header);
        }
        rows++;
        const { row, corrections } = normaliseC06Row(raw.values, { row: raw.row, type: batch.type ?? headerType, maxYear: opts.maxYear });
        for (const c of corrections) await addCorrection(c);
        const m = matchC06Row(row, index);
        const flags = corrections.filter((c) => c.kind === 'flagged');
        if (m.kind === 'unmatched') unmatched.push({ row: row.row, reason: m.reason });
        else if (m.kind === 'ambiguous') ambiguous.push({ row: row.row, reason: m.reason, workflowIds: m.workflowIds });
        else {
          if (m.inferred) {
            const c: C06Correction = { row: row.row, field: 'quyenSo', from: '', to: '', kind: 'flagged', code: 'bookInferred', note: m.inferred };
            await addCorrection(c);
            flags.push(c);
          }
          await spool.add(m.workflowId, row.values);
          const n = (counts.get(m.workflowId) ?? 0) + 1;
          counts.set(m.workflowId, n);
          // The row's place in the book's file (header on row 1), where the clerk will look for it.
          for (const f of flags) await flagsSpool.add(m.workflowId, { row: n + 1, batchRow: f.row, field: f.field, value: f.from, code: f.code, note: f.note });
        }
        if (rows % 1000 === 0) heartbeat({ rows });
      }
    } catch (e) {
      if (e instanceof ApplicationFailure) throw e;
      // System errors (EIO, ECONNRESET…) come from the store: retried. Anything else is the file's content.
      const code = (e as NodeJS.ErrnoException).code;
      if ((typeof code === 'string' && /^E[A-Z]+$/.test(code)) || isNotFound(e)) throw e;
      // A refused batch is not kept: only a batch taken in whole has its source stored.
      await store.delete(keys.source(batch.format));
      if (e instanceof LimitExceeded) throw badInput('PayloadTooLarge', `Không nhận lô C06: ${e.message}`);
      throw badInput('C06UnreadableBatch', `không đọc được tệp C06 ${batch.fileName} như tệp ${batch.format}: ${(e as Error).message}`);
    }
    if (rows === 0) throw badInput('C06EmptyBatch', `tệp C06 ${batch.fileName} không có dòng dữ liệu nào dưới dòng tiêu đề`);

    const matched: C06MatchedBook[] = [];
    for (const [workflowId, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
      const { book } = books.get(workflowId)!;
      const key = c06BookKey(book, stored.sha256);
      // Written by an earlier attempt of this same batch (crash before the report): same rows, keep it.
      const earlier = await store.head(key);
      if (earlier) {
        matched.push({ workflowId, rows: n, key, sha256: earlier.sha256 });
        continue;
      }
      // The flags first: a book's file present means its flags are too (a retry skips both).
      const flagsOfBook: C06RowFlag[] = [];
      for await (const f of flagsSpool.read(workflowId)) flagsOfBook.push(f);
      await store.put(c06FlagsKey(key), JSON.stringify(flagsOfBook, null, 1), { contentType: 'application/json' });
      const rowsOfBook: TemplateRow[] = [];
      for await (const r of spool.read(workflowId)) rowsOfBook.push(r);
      const out = new PassThrough();
      const put = store.put(key, out, { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
      await Promise.all([writeTemplate(typeCode(book.type), out, rowsOfBook).catch((e) => out.destroy(e)), put]);
      const obj = await put;
      matched.push({ workflowId, rows: n, key, sha256: obj.sha256 });
      heartbeat({ rows, booksWritten: matched.length });
    }

    await store.put(keys.corrections, Readable.from(jsonArray(correctionsSpool.read('all'))), { contentType: 'application/json' });

    const result: C06IntakeResult = {
      batchRef: c06BatchRef(stored.sha256),
      sha256: stored.sha256,
      fileName: batch.fileName,
      unchanged: false,
      rows,
      matched,
      unmatched,
      ambiguous,
      corrections: { total: corrected + flagged, corrected, flagged, rowsFlagged: flaggedRows.size, byCode },
      correctionsKey: keys.corrections,
      reportKey: keys.report,
      sourceKey: keys.source(batch.format),
      unknownColumns,
    };
    await store.put(keys.report, JSON.stringify({ ...result, type: headerType ?? batch.type, templateOf: headerType ? templateFor(headerType).typeCode : undefined }, null, 2), {
      contentType: 'application/json',
    });
    return result;
  } finally {
    await spool.dispose();
    await correctionsSpool.dispose();
    await flagsSpool.dispose();
  }
}

/** The batch the API stored: it must be there with the sha256 the API read while storing it. */
async function storedBatch(store: ArtifactStore, source: { key: string; sha256: string }, fileName: string) {
  const head = await store.head(source.key);
  if (!head) throw badInput('C06FileMissing', `tệp C06 ${fileName} không còn trong kho (${source.key})`);
  if (head.sha256 !== source.sha256) throw badInput('Conflict', `tệp C06 ${fileName} trong kho không khớp sha256 đã nhận`);
  return head;
}

async function* jsonArray<T>(items: AsyncIterable<T>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const it of items) {
    yield (first ? '\n' : ',\n') + JSON.stringify(it);
    first = false;
  }
  yield '\n]\n';
}

async function readJson<T>(store: ArtifactStore, key: string): Promise<T | undefined> {
  try {
    return JSON.parse((await store.getBuffer(key)).toString('utf8')) as T;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
