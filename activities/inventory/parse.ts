import { Readable } from 'node:stream';
import type { Limits } from '../../clients/config';
import { INVENTORY_COLUMNS, registerItemSchema, type InventoryColumnKey } from '../../domain/registerItem';
import type { ProblemDetail } from '../../contracts/v1';
import { badInput } from '../failures';
import { heartbeat } from '../heartbeat';
import { LimitExceeded } from '../limits';
import { readCsvRecords, type CsvLimits } from '../sheets/csv';
import { readXlsxRows, type SheetCell, type XlsxLimits } from '../sheets/xlsx';

export type InventoryLimits = XlsxLimits & CsvLimits & Pick<Limits, 'SOHOA_MAX_INVENTORY_ROWS'>;
export type InventoryFormat = 'xlsx' | 'csv';

/**
 * One data row of the inventory, as the API needs it to register the book: the row's cells by
 * column when they have the shape of a book, else why not (so what crosses back to the API is
 * bounded by the item's own limits, whatever the file holds).
 */
export type InventoryRow =
  | { row: number; item: Partial<Record<InventoryColumnKey, string | number>> }
  | { row: number; rejected: { reason: string; details: ProblemDetail[] } };

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

function columnOf(header: string): InventoryColumnKey | undefined {
  const h = fold(header);
  if (!h) return undefined;
  return INVENTORY_COLUMNS.find((c) => fold(c.key) === h || fold(c.labelVi) === h || (c.aliases as readonly string[]).includes(h))?.key;
}

/** Maps the header row to columns; every required column must be there (400 naming them). */
function mapHeader(headers: string[], file: string): Map<number, InventoryColumnKey> {
  const map = new Map<number, InventoryColumnKey>();
  headers.forEach((h, i) => {
    const c = columnOf(h);
    if (c && ![...map.values()].includes(c)) map.set(i, c);
  });
  const missing = INVENTORY_COLUMNS.filter((c) => c.required && ![...map.values()].includes(c.key));
  if (missing.length) {
    const details: ProblemDetail[] = missing.map((c) => ({ path: `${file}: dòng 1`, message: `thiếu cột ${c.key}` }));
    throw badInput('BadRequest', `tệp ${file}: dòng tiêu đề thiếu cột ${missing.map((c) => `${c.key} (${c.labelVi})`).join(', ')}; tải mẫu tại /api/templates/inventory.xlsx`, { details });
  }
  return map;
}

/** A cell as the columns take it: a date (a year typed into a date cell) gives its year. */
function cellValue(v: SheetCell | undefined): string | number | undefined {
  if (v === undefined || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return v.getUTCFullYear();
}

const short = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The row's item, or why it cannot be a book (zod's messages, each cut short). */
function checked(row: number, item: Partial<Record<InventoryColumnKey, string | number>>): InventoryRow {
  const r = registerItemSchema.safeParse(item);
  if (r.success) return { row, item };
  const details = r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(gốc)', message: short(i.message) }));
  return { row, rejected: { reason: short(details.map((d) => `${d.path}: ${d.message}`).join('; '), 1000), details } };
}

type SourceRow = { row: number; cells: ReadonlyArray<SheetCell | undefined> };

async function* csvRecords(buf: Buffer, file: string, limits: InventoryLimits): AsyncGenerator<SourceRow> {
  for await (const r of readCsvRecords(Readable.from([buf]), limits, file)) yield { row: r.line, cells: r.fields };
}

/** The header, then one row per non-blank line, stopping at the first row over the limit. */
async function* toRows(records: AsyncIterable<SourceRow>, file: string, limits: InventoryLimits): AsyncGenerator<InventoryRow> {
  let map: Map<number, InventoryColumnKey> | undefined;
  let n = 0;
  const max = limits.SOHOA_MAX_INVENTORY_ROWS;
  for await (const r of records) {
    if (!map) {
      map = mapHeader(Array.from(r.cells, (c) => String(cellValue(c) ?? '')), file);
      continue;
    }
    const item: Partial<Record<InventoryColumnKey, string | number>> = {};
    for (const [i, key] of map) {
      const v = cellValue(r.cells[i]);
      if (v === undefined || (typeof v === 'string' && v.trim() === '')) continue;
      item[key] = typeof v === 'string' ? v.trim() : v;
    }
    if (!Object.keys(item).length) continue;
    if (n === max) throw new LimitExceeded('SOHOA_MAX_INVENTORY_ROWS', `tệp ${file}: dòng ${r.row}: có hơn ${max} dòng dữ liệu, tối đa ${max} mỗi lần (xin chia tệp)`);
    if (++n % 1000 === 0) heartbeat({ rows: n });
    yield checked(r.row, item);
  }
  if (!map) throw badInput('BadRequest', `tệp ${file} trống`, { details: [{ path: file, message: 'không có dòng nào' }] });
}

/**
 * The inventory's rows, read streaming with every limit checked while reading (rows, cells, shared
 * strings, unpacked size). Over a limit: a non-retryable PayloadTooLarge naming the limit and the
 * row; unreadable or without its columns: a non-retryable BadRequest naming the file and the row.
 */
export async function* readInventory(buf: Buffer, file: string, format: InventoryFormat, limits: InventoryLimits): AsyncGenerator<InventoryRow> {
  try {
    yield* toRows(format === 'xlsx' ? readXlsxRows({ buffer: buf }, limits, file) : csvRecords(buf, file, limits), file, limits);
  } catch (e) {
    if ((e as Error).name === 'ApplicationFailure') throw e;
    if (e instanceof LimitExceeded) throw badInput('PayloadTooLarge', e.message, { details: [{ path: file, message: e.message }] });
    const what = format === 'xlsx' ? 'tệp Excel .xlsx' : 'tệp CSV';
    throw badInput('BadRequest', `tệp ${file} không phải ${what} đọc được: ${short((e as Error).message)}`, { details: [{ path: file, message: 'không đọc được' }] });
  }
}

export function formatOf(filename: string, contentType?: string): InventoryFormat | undefined {
  const name = filename.toLowerCase();
  if (name.endsWith('.xlsx') || contentType?.includes('spreadsheetml')) return 'xlsx';
  if (name.endsWith('.csv') || contentType?.startsWith('text/csv')) return 'csv';
  return undefined;
}
