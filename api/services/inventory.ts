import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { LimitExceeded } from '../../activities/limits';
import { readCsvRecords, type CsvLimits } from '../../activities/sheets/csv';
import { readXlsxRows, type SheetCell, type XlsxLimits } from '../../activities/sheets/xlsx';
import type { Limits } from '../../clients/config';
import type { Units } from '../../domain/units';
import { PERIODS } from '../../domain/periods';
import { REGISTER_TYPES, registerTypes, typeCodes } from '../../domain/registerTypes';
import { ApiError, badRequest } from '../errors';

/** Columns of the inventory file: the header row holds these keys (or one of their aliases). */
export const INVENTORY_COLUMNS = [
  { key: 'agencyCode', labelVi: 'Mã đơn vị', aliases: ['madonvi', 'madv', 'donvi', 'agency'], required: true, hint: 'mã thống kê của đơn vị lưu giữ sổ, ví dụ 20335' },
  { key: 'type', labelVi: 'Loại sổ', aliases: ['loaiso', 'maloaiso', 'loai'], required: true, hint: 'mã loại sổ: KS, KH, KT, NCN, CMC, HN, GH, CDGH, LH, TD' },
  { key: 'bookNo', labelVi: 'Số quyển', aliases: ['soquyen', 'quyenso', 'quyen'], required: true, hint: 'ví dụ 01 hoặc 12A' },
  { key: 'yearFrom', labelVi: 'Từ năm', aliases: ['tunam', 'namdau', 'nam'], required: true, hint: 'năm đầu của sổ' },
  { key: 'yearTo', labelVi: 'Đến năm', aliases: ['dennam', 'namcuoi'], required: false, hint: 'năm cuối, để trống nếu sổ chỉ một năm' },
  { key: 'expectedCases', labelVi: 'Số trường hợp', aliases: ['sotruonghop', 'sotruonghopdukien'], required: false, hint: 'số trường hợp dự kiến, nếu biết' },
  { key: 'priority', labelVi: 'Ưu tiên', aliases: ['uutien', 'mucuutien'], required: false, hint: '1–5, mặc định 3' },
  { key: 'note', labelVi: 'Ghi chú', aliases: ['ghichu'], required: false, hint: 'tình trạng sổ, ghi chú khác' },
] as const;
type ColumnKey = (typeof INVENTORY_COLUMNS)[number]['key'];

export type InventoryLimits = XlsxLimits & CsvLimits & Pick<Limits, 'SOHOA_MAX_INVENTORY_ROWS'>;

export interface InventoryRow {
  row: number;
  item: Partial<Record<ColumnKey, string | number>>;
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

function columnOf(header: string): ColumnKey | undefined {
  const h = fold(header);
  if (!h) return undefined;
  return INVENTORY_COLUMNS.find((c) => fold(c.key) === h || fold(c.labelVi) === h || (c.aliases as readonly string[]).includes(h))?.key;
}

/** Maps the header row to columns; every required column must be there. */
function mapHeader(headers: string[], file: string): Map<number, ColumnKey> {
  const map = new Map<number, ColumnKey>();
  headers.forEach((h, i) => {
    const c = columnOf(h);
    if (c && ![...map.values()].includes(c)) map.set(i, c);
  });
  const missing = INVENTORY_COLUMNS.filter((c) => c.required && ![...map.values()].includes(c.key));
  if (missing.length) {
    throw badRequest(
      `tệp ${file}: dòng tiêu đề thiếu cột ${missing.map((c) => `${c.key} (${c.labelVi})`).join(', ')}; tải mẫu tại /api/templates/inventory.xlsx`,
      missing.map((c) => ({ path: `${file}: dòng 1`, message: `thiếu cột ${c.key}` })),
    );
  }
  return map;
}

/** A cell as the columns take it: a date (a year typed into a date cell) gives its year. */
function cellValue(v: SheetCell | undefined): string | number | undefined {
  if (v === undefined || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return v.getUTCFullYear();
}

type SourceRow = { row: number; cells: ReadonlyArray<SheetCell | undefined> };

/** The header, then one item per non-blank row, stopping at the first row over the limit. */
async function toRows(records: AsyncIterable<SourceRow>, file: string, limits: InventoryLimits): Promise<InventoryRow[]> {
  let map: Map<number, ColumnKey> | undefined;
  const rows: InventoryRow[] = [];
  const max = limits.SOHOA_MAX_INVENTORY_ROWS;
  for await (const r of records) {
    if (!map) {
      map = mapHeader(Array.from(r.cells, (c) => String(cellValue(c) ?? '')), file);
      continue;
    }
    const item: InventoryRow['item'] = {};
    for (const [i, key] of map) {
      const v = cellValue(r.cells[i]);
      if (v === undefined || (typeof v === 'string' && v.trim() === '')) continue;
      item[key] = typeof v === 'string' ? v.trim() : v;
    }
    if (!Object.keys(item).length) continue;
    if (rows.length === max) throw new LimitExceeded('SOHOA_MAX_INVENTORY_ROWS', `tệp ${file}: dòng ${r.row}: có hơn ${max} dòng dữ liệu, tối đa ${max} mỗi lần (xin chia tệp)`);
    rows.push({ row: r.row, item });
  }
  if (!map) throw badRequest(`tệp ${file} trống`, [{ path: file, message: 'không có dòng nào' }]);
  return rows;
}

async function* csvRecords(buf: Buffer, file: string, limits: InventoryLimits): AsyncGenerator<SourceRow> {
  for await (const r of readCsvRecords(Readable.from([buf]), limits, file)) yield { row: r.line, cells: r.fields };
}

export type InventoryFormat = 'xlsx' | 'csv';

export function formatOf(filename: string, contentType?: string): InventoryFormat | undefined {
  const name = filename.toLowerCase();
  if (name.endsWith('.xlsx') || contentType?.includes('spreadsheetml')) return 'xlsx';
  if (name.endsWith('.csv') || contentType?.startsWith('text/csv')) return 'csv';
  return undefined;
}

/**
 * The inventory's rows, read streaming with every limit checked while reading (rows, cells,
 * shared strings, unpacked size): over one, 413 naming the limit and the row; unreadable, 400.
 */
export async function parseInventory(buf: Buffer, filename: string, format: InventoryFormat, limits: InventoryLimits): Promise<InventoryRow[]> {
  try {
    return await toRows(format === 'xlsx' ? readXlsxRows({ buffer: buf }, limits, filename) : csvRecords(buf, filename, limits), filename, limits);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (e instanceof LimitExceeded) throw new ApiError('PayloadTooLarge', e.message, [{ path: filename, message: e.message }]);
    const what = format === 'xlsx' ? 'tệp Excel .xlsx' : 'tệp CSV';
    throw badRequest(`tệp ${filename} không phải ${what} đọc được: ${(e as Error).message}`, [{ path: filename, message: 'không đọc được' }]);
  }
}

/** The inventory template: the data sheet with its header row, and a guide with the code lists. */
export async function inventoryTemplate(units: Units): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'sohoa';
  const data = wb.addWorksheet('Danh mục sổ', { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = INVENTORY_COLUMNS.map((c) => ({ header: c.key, key: c.key, width: Math.max(12, c.key.length + 4) }));
  const head = data.getRow(1);
  head.font = { bold: true };
  INVENTORY_COLUMNS.forEach((c, i) => {
    head.getCell(i + 1).note = `${c.labelVi}${c.required ? ' (bắt buộc)' : ''}: ${c.hint}`;
  });
  // Text cells, so 01 stays 01.
  for (const key of ['agencyCode', 'bookNo'] as const) data.getColumn(key).numFmt = '@';
  for (let r = 2; r <= 1000; r++) {
    data.getCell(r, 2).dataValidation = { type: 'list', allowBlank: false, formulae: [`"${typeCodes.join(',')}"`] };
  }

  const guide = wb.addWorksheet('Hướng dẫn');
  guide.columns = [{ width: 18 }, { width: 60 }, { width: 30 }];
  const add = (...cells: Array<string | number>) => guide.addRow(cells);
  add('Danh mục sổ hộ tịch cần số hóa').font = { bold: true, size: 14 };
  add('Mỗi dòng của trang "Danh mục sổ" là một quyển sổ. Giữ nguyên dòng tiêu đề (tên cột).');
  add('Gửi tệp: sohoa import <tệp> hoặc POST /api/registers/import. Mỗi dòng được trả lời: đã tạo, đã có, hoặc bị từ chối kèm lý do.');
  add('');
  add('Cột', 'Ý nghĩa', 'Bắt buộc').font = { bold: true };
  for (const c of INVENTORY_COLUMNS) add(c.key, `${c.labelVi}: ${c.hint}`, c.required ? 'có' : 'không');
  add('');
  add('Ví dụ', 'agencyCode=20335, type=KS, bookNo=01, yearFrom=2017, yearTo=2017, expectedCases=120').font = { italic: true };
  add('');
  add('Mã loại sổ', 'Tên').font = { bold: true };
  for (const t of registerTypes) add(REGISTER_TYPES[t].code, REGISTER_TYPES[t].nameVi);
  add('');
  add('Nhóm sổ', 'Theo năm đăng ký (sổ thuộc nhóm của năm đầu)').font = { bold: true };
  for (const p of PERIODS) add(p.id, p.nameVi);
  add('');
  add('Mã đơn vị', 'Tên đơn vị', 'Cấp').font = { bold: true };
  for (const a of units.agencies) add(a.code, a.name, a.level);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

