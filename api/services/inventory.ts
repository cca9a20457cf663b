import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { InventoryFormat, InventoryRow } from '../../activities/inventory';
import type { ArtifactStore } from '../../clients/storage/types';
import type { Units } from '../../domain/units';
import { PERIODS } from '../../domain/periods';
import { INVENTORY_COLUMNS } from '../../domain/registerItem';
import { REGISTER_TYPES, registerTypes, typeCodes } from '../../domain/registerTypes';
import type { AppContext } from '../context';
import { onWorker } from './onWorker';
import { uploadError, type Budget } from './requestFiles';

/**
 * The inventory's rows, read by a worker: the file goes to the store (with its sha256), a worker
 * parses it with every limit checked while reading and writes the rows back; over a limit 413,
 * unreadable or without its columns 400, each naming the file and the row. The API holds only
 * the rows (each bounded by the item's own limits), never the file's parse.
 */
export async function readInventoryOnWorker(
  ctx: Pick<AppContext, 'client' | 'config'>,
  store: ArtifactStore,
  file: { name: string; body: Readable },
  format: InventoryFormat,
  budget: Budget,
): Promise<InventoryRow[]> {
  const prefix = `inventory/${randomUUID()}`;
  try {
    const key = `${prefix}/source.${format}`;
    let stored;
    try {
      stored = await store.put(key, file.body, { contentType: format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    } catch (e) {
      throw uploadError(e, budget.max, file.name, budget.setting);
    }
    const out = await onWorker(ctx, 'parseInventoryUpload', { key, sha256: stored.sha256, fileName: file.name, format, rowsKey: `${prefix}/rows.ndjson` }, file.name);
    const rows: InventoryRow[] = [];
    for await (const line of createInterface({ input: await store.get(out.rowsKey), crlfDelay: Infinity })) {
      if (line) rows.push(JSON.parse(line) as InventoryRow);
    }
    return rows;
  } finally {
    // The file and its rows served this request only.
    await store.deletePrefix(prefix).catch(() => undefined);
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

