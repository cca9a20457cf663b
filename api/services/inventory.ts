import ExcelJS from 'exceljs';
import type { Units } from '../../domain/units';
import { PERIODS } from '../../domain/periods';
import { REGISTER_TYPES, registerTypes, typeCodes } from '../../domain/registerTypes';
import { badRequest } from '../errors';

/** Columns of the inventory file: the header row holds these keys (or one of their aliases). */
export const INVENTORY_COLUMNS = [
  { key: 'agencyCode', labelVi: 'Mã đơn vị', aliases: ['madonvi', 'madv', 'donvi', 'agency'], required: true, hint: 'mã thống kê của đơn vị lưu giữ sổ, ví dụ 20194' },
  { key: 'type', labelVi: 'Loại sổ', aliases: ['loaiso', 'maloaiso', 'loai'], required: true, hint: 'mã loại sổ: KS, KH, KT, NCN, CMC, HN, GH, CDGH, LH, TD' },
  { key: 'bookNo', labelVi: 'Số quyển', aliases: ['soquyen', 'quyenso', 'quyen'], required: true, hint: 'ví dụ 01 hoặc 12A' },
  { key: 'yearFrom', labelVi: 'Từ năm', aliases: ['tunam', 'namdau', 'nam'], required: true, hint: 'năm đầu của sổ' },
  { key: 'yearTo', labelVi: 'Đến năm', aliases: ['dennam', 'namcuoi'], required: false, hint: 'năm cuối, để trống nếu sổ chỉ một năm' },
  { key: 'expectedCases', labelVi: 'Số trường hợp', aliases: ['sotruonghop', 'sotruonghopdukien'], required: false, hint: 'số trường hợp dự kiến, nếu biết' },
  { key: 'priority', labelVi: 'Ưu tiên', aliases: ['uutien', 'mucuutien'], required: false, hint: '1–5, mặc định 3' },
  { key: 'note', labelVi: 'Ghi chú', aliases: ['ghichu'], required: false, hint: 'tình trạng sổ, ghi chú khác' },
] as const;
type ColumnKey = (typeof INVENTORY_COLUMNS)[number]['key'];

export const MAX_INVENTORY_ROWS = 50_000;

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

function toRows(table: Array<{ row: number; cells: Array<string | number | undefined> }>, file: string): InventoryRow[] {
  const [head, ...body] = table;
  if (!head) throw badRequest(`tệp ${file} trống`, [{ path: file, message: 'không có dòng nào' }]);
  const map = mapHeader(head.cells.map((c) => String(c ?? '')), file);
  const rows: InventoryRow[] = [];
  for (const r of body) {
    const item: InventoryRow['item'] = {};
    for (const [i, key] of map) {
      const v = r.cells[i];
      if (v === undefined || (typeof v === 'string' && v.trim() === '')) continue;
      item[key] = typeof v === 'string' ? v.trim() : v;
    }
    if (Object.keys(item).length) rows.push({ row: r.row, item });
  }
  if (rows.length > MAX_INVENTORY_ROWS) throw badRequest(`tệp ${file} có ${rows.length} dòng; tối đa ${MAX_INVENTORY_ROWS} mỗi lần`, [{ path: file, message: 'quá nhiều dòng' }]);
  return rows;
}

function cellValue(v: ExcelJS.CellValue): string | number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.getUTCFullYear();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
  }
  return String(v);
}

export async function parseXlsx(buf: Buffer, file: string): Promise<InventoryRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (e) {
    throw badRequest(`tệp ${file} không phải tệp Excel .xlsx đọc được: ${(e as Error).message}`, [{ path: file, message: 'không đọc được' }]);
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw badRequest(`tệp ${file} không có trang tính nào`, [{ path: file, message: 'không có trang tính' }]);
  const table: Array<{ row: number; cells: Array<string | number | undefined> }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: Array<string | number | undefined> = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cellValue(cell.value)));
    table.push({ row: n, cells });
  });
  return toRows(table, file);
}

/** RFC 4180 CSV, with the delimiter guessed from the header (`,` `;` or tab) and an optional BOM. */
export function parseCsv(text: string, file: string): InventoryRow[] {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const delim = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const table: Array<{ row: number; cells: Array<string | undefined> }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  const endRow = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== '')) table.push({ row: rowStart, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delim) cells.push(cell), (cell = '');
    else if (ch === '\r' && src[i + 1] === '\n') continue;
    else if (ch === '\n') {
      endRow();
      rowStart = ++line;
    } else cell += ch;
  }
  if (quoted) throw badRequest(`tệp ${file}: dấu ngoặc kép không đóng (từ dòng ${rowStart})`, [{ path: `${file}: dòng ${rowStart}`, message: 'dấu ngoặc kép không đóng' }]);
  if (cell !== '' || cells.length) endRow();
  return toRows(table, file);
}

export type InventoryFormat = 'xlsx' | 'csv';

export function formatOf(filename: string, contentType?: string): InventoryFormat | undefined {
  const name = filename.toLowerCase();
  if (name.endsWith('.xlsx') || contentType?.includes('spreadsheetml')) return 'xlsx';
  if (name.endsWith('.csv') || contentType?.startsWith('text/csv')) return 'csv';
  return undefined;
}

export async function parseInventory(buf: Buffer, filename: string, format: InventoryFormat): Promise<InventoryRow[]> {
  if (format === 'xlsx') return parseXlsx(buf, filename);
  return parseCsv(buf.toString('utf8'), filename);
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
  add('Ví dụ', 'agencyCode=20194, type=KS, bookNo=01, yearFrom=2017, yearTo=2017, expectedCases=120').font = { italic: true };
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

