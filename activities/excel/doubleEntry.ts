import { badInput } from '../failures';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Book } from '../../domain/book';
import { artifactKeys } from '../../domain/naming';
import { checkHeader, columnByKey, normalizeForCompare, templateFor, type RowValues, type TemplateSpec } from '../../domain/excel';
import { isNotFound } from '../../clients/storage/errors';
import type { ArtifactStore } from '../../clients/storage/types';
import { readDataSheet } from './read';
import { writeTemplate } from './template';
import { besideKeys, putStreaming } from './validateExcel';

/**
 * Double entry, as data-entry vendors do it: two independent transcriptions of a book are compared
 * field by field after normalisation (NFC, spaces, dates, leading zeros, letter case of text); a
 * checker resolves each difference by choosing or typing the value, and the resolved workbook is
 * the one that goes on. Rows are paired by their case number `so` (the n-th occurrence of a number
 * with the n-th), so a row inserted in one entry does not shift the others. Both entries are held
 * in memory: a book has at most a few thousand cases.
 */

/** `column` is a field key, or `*` when the whole row exists in one entry only. */
export const ROW_MISSING = '*';

export const differenceSchema = z.object({
  /** Worksheet row in the first entry (in the second when the row exists there only). */
  row: z.number().int(),
  so: z.string(),
  column: z.string(),
  first: z.string(),
  second: z.string(),
});
export type Difference = z.infer<typeof differenceSchema>;

export const resolutionSchema = z.object({
  so: z.string(),
  column: z.string(),
  /** The value to keep; for column `*`: `keep` (keep the row) or `drop`. */
  value: z.string(),
});
export type Resolution = z.infer<typeof resolutionSchema>;

export interface CompareEntriesInput {
  book: Book;
  firstKey: string;
  secondKey: string;
}

export interface CompareEntriesOutput {
  differenceCount: number;
  /** JSON `{ firstKey, secondKey, rows, differenceCount, differences: Difference[] }` beside the first entry. */
  diffKey: string;
  rows: { first: number; second: number };
  /** First differences (up to 50), for the workflow's status. */
  sample: Difference[];
}

export interface ResolveEntriesInput extends CompareEntriesInput {
  resolutions: Resolution[];
  /** Where the resolved workbook goes; default: the book's Excel key (`artifactKeys(book).excel`). */
  resolvedKey?: string;
}

export interface ResolveEntriesOutput {
  resolvedKey: string;
  sha256: string;
  bytes: number;
  rows: number;
  applied: number;
}

interface Entry {
  rows: { row: number; values: RowValues; pairKey: string }[];
}

async function loadEntry(store: ArtifactStore, key: string, t: TemplateSpec, label: string): Promise<Entry> {
  const cols = columnByKey(t);
  const soCol = cols.get('so');
  const rows: Entry['rows'] = [];
  const seen = new Map<string, number>();
  let columns: Map<string, number> | undefined;
  let headerProblem: string | undefined;
  let source: Readable;
  try {
    source = await store.get(key);
  } catch (e) {
    if (isNotFound(e)) throw badInput('EntryMissing', `Không có tệp nhập lần ${label} "${key}".`);
    throw e;
  }
  const outcome = await readDataSheet(
    source,
    () => undefined,
    (rowNo, cells) => {
      if (!columns) {
        const h = checkHeader(t, rowNo === 1 ? cells : [], '');
        if (h.otherTemplate || !h.columns.has('so')) {
          headerProblem = h.problems.map((p) => p.messageVi).join(' ');
          return false;
        }
        columns = h.columns;
        if (rowNo === 1) return;
      }
      if (cells.every((c) => c === '')) return;
      const values: RowValues = {};
      for (const [k, at] of columns) values[k] = cells[at - 1] ?? '';
      const so = normalizeForCompare(soCol, values.so ?? '');
      const n = (seen.get(so) ?? 0) + 1;
      seen.set(so, n);
      rows.push({ row: rowNo, values, pairKey: `${so}#${n}` });
    },
  );
  if (!outcome.sheet || outcome.parseError)
    throw badInput('BadEntry', `Tệp nhập lần ${label} "${key}" không phải tệp Excel đọc được.`);
  if (headerProblem || !columns)
    throw badInput('BadEntry', `Tệp nhập lần ${label} "${key}" không đúng mẫu ${t.typeCode}: ${headerProblem ?? 'không có dòng tiêu đề'}`);
  return { rows };
}

function diff(t: TemplateSpec, a: Entry, b: Entry): Difference[] {
  const cols = columnByKey(t);
  const keys = [...t.columns, ...t.optionalColumns].map((c) => c.key);
  const second = new Map(b.rows.map((r) => [r.pairKey, r]));
  const paired = new Set<string>();
  const out: Difference[] = [];
  for (const r of a.rows) {
    const o = second.get(r.pairKey);
    if (!o) {
      out.push({ row: r.row, so: r.values.so ?? '', column: ROW_MISSING, first: r.values.so ?? '', second: '' });
      continue;
    }
    paired.add(r.pairKey);
    for (const k of keys) {
      const x = r.values[k] ?? '';
      const y = o.values[k] ?? '';
      if (x === y) continue;
      const col = cols.get(k);
      if (normalizeForCompare(col, x) !== normalizeForCompare(col, y)) out.push({ row: r.row, so: r.values.so ?? '', column: k, first: x, second: y });
    }
  }
  for (const o of b.rows)
    if (!paired.has(o.pairKey)) out.push({ row: o.row, so: o.values.so ?? '', column: ROW_MISSING, first: '', second: o.values.so ?? '' });
  return out;
}

const pairOf = (t: TemplateSpec, so: string) => `${normalizeForCompare(columnByKey(t).get('so'), so)}#1`;

export function createDoubleEntry({ store }: { store: ArtifactStore }) {
  async function load(input: CompareEntriesInput) {
    const t = templateFor(input.book.type);
    const first = await loadEntry(store, input.firstKey, t, 'thứ nhất');
    const second = await loadEntry(store, input.secondKey, t, 'thứ hai');
    return { t, first, second, differences: diff(t, first, second) };
  }

  async function compareEntries(input: CompareEntriesInput): Promise<CompareEntriesOutput> {
    const { first, second, differences } = await load(input);
    const { diffKey } = besideKeys(input.firstKey);
    const rows = { first: first.rows.length, second: second.rows.length };
    const body = { firstKey: input.firstKey, secondKey: input.secondKey, rows, differenceCount: differences.length, differences };
    await store.put(diffKey, JSON.stringify(body, null, 1), { contentType: 'application/json' });
    return { differenceCount: differences.length, diffKey, rows, sample: differences.slice(0, 50) };
  }

  async function resolveEntries(input: ResolveEntriesInput): Promise<ResolveEntriesOutput> {
    const parsed = z.array(resolutionSchema).safeParse(input.resolutions);
    if (!parsed.success) throw badInput('BadResolutions', `Danh sách quyết định không hợp lệ: ${parsed.error.message}`);
    const { t, first, second, differences } = await load(input);
    const known = new Set([...t.columns, ...t.optionalColumns].map((c) => c.key));
    const byKey = new Map<string, Resolution>();
    const problems: string[] = [];
    const rowsByPair = new Map(first.rows.map((r) => [r.pairKey, r]));
    const secondByPair = new Map(second.rows.map((r) => [r.pairKey, r]));
    for (const r of parsed.data) {
      const pair = pairOf(t, r.so);
      if (r.column !== ROW_MISSING && !known.has(r.column)) problems.push(`cột "${r.column}" không có trong mẫu ${t.typeCode}`);
      else if (!rowsByPair.has(pair) && !secondByPair.has(pair)) problems.push(`không có dòng số ${r.so}`);
      else if (r.column === ROW_MISSING && r.value !== 'keep' && r.value !== 'drop') problems.push(`dòng số ${r.so}: giá trị cho "*" phải là keep hoặc drop`);
      else byKey.set(`${pair}|${r.column}`, r);
    }
    const unresolved = differences.filter((d) => !byKey.has(`${pairOf(t, d.so)}|${d.column}`));
    if (unresolved.length)
      problems.push(
        `${unresolved.length} khác biệt chưa được quyết định: ` +
          unresolved
            .slice(0, 20)
            .map((d) => `số ${d.so} cột ${d.column} ("${d.first}" / "${d.second}")`)
            .join('; ') +
          (unresolved.length > 20 ? '; …' : ''),
      );
    if (problems.length) throw badInput('UnresolvedDifferences', `Không thể ghi bản đã đối chiếu: ${problems.join('; ')}.`);

    let applied = 0;
    const out: RowValues[] = [];
    const byPair = new Map<string, Resolution[]>();
    for (const [k, r] of byKey) {
      const pair = k.slice(0, k.lastIndexOf('|'));
      byPair.set(pair, [...(byPair.get(pair) ?? []), r]);
    }
    const apply = (pairKey: string, values: RowValues) => {
      const v = { ...values };
      for (const r of byPair.get(pairKey) ?? []) {
        if (r.column === ROW_MISSING) continue;
        v[r.column] = r.value;
        applied++;
      }
      return v;
    };
    const keepRow = (pairKey: string) => {
      const r = byKey.get(`${pairKey}|${ROW_MISSING}`);
      if (r) applied++;
      return r?.value !== 'drop';
    };
    for (const r of first.rows) {
      if (!secondByPair.has(r.pairKey) && !keepRow(r.pairKey)) continue;
      out.push(apply(r.pairKey, r.values));
    }
    for (const r of second.rows) if (!rowsByPair.has(r.pairKey) && keepRow(r.pairKey)) out.push(apply(r.pairKey, r.values));

    const resolvedKey = input.resolvedKey ?? artifactKeys(input.book).excel;
    const stored = await putStreaming(store, resolvedKey, (o) => writeTemplate(input.book.type, o, out), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return { resolvedKey, sha256: stored.sha256, bytes: stored.bytes, rows: out.length, applied };
  }

  return { compareEntries, resolveEntries };
}
