import ExcelJS from 'exceljs';
import { PassThrough, type Writable } from 'node:stream';
import type { RegisterType, TypeCode } from '../../domain/registerTypes';
import {
  CODE_LISTS,
  codeListText,
  columnLetter,
  DATE_FORMAT_VI,
  GUIDE_SHEET_NAME,
  templateFor,
  type CodeListId,
  type ColumnSpec,
  type TemplateSpec,
} from '../../domain/excel';
import { readAll } from '../../clients/storage/keys';

/**
 * Validations cover the pre-filled rows plus room for more. Not a whole column: readers that
 * expand ranges cell by cell (exceljs itself) would slow down on a 1,000,000-row range.
 */
export const VALIDATION_MIN_ROWS = 5_000;
export const VALIDATION_SPARE_ROWS = 2_000;

const KIND_VI: Record<ColumnSpec['kind'], string> = { text: 'Chữ', date: 'Ngày', code: 'Mã (chọn trong danh mục)', int: 'Số nguyên' };

function dateRule(c: ColumnSpec): string {
  return c.partial === 'always'
    ? `${DATE_FORMAT_VI}; được ghi mm.yyyy hoặc yyyy nếu sổ chỉ ghi tháng hoặc năm`
    : `${DATE_FORMAT_VI}; chỉ sổ trước năm 1999 được ghi mm.yyyy hoặc yyyy`;
}

function columnHint(c: ColumnSpec): string {
  if (c.kind === 'date') return dateRule(c);
  if (c.kind === 'code') return codeListText(c.codeList!);
  return '';
}

/** Rows written under the header: field key → value (e.g. from `prefillFromPdfNames`). */
export type TemplateRow = Partial<Record<string, string>>;

/** exceljs has range data validations at run time but not in its typings. */
type WithValidations = { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } };

function addDataSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, t: TemplateSpec, rows: Iterable<TemplateRow>) {
  const ws = wb.addWorksheet(t.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] }) as ExcelJS.Worksheet & WithValidations;
  // Every column is text, so Excel keeps `05` and `03.02.2017` exactly as typed.
  ws.columns = t.columns.map((c) => ({ key: c.key, width: Math.max(12, Math.min(40, c.key.length + 4)), style: { numFmt: '@' } }));
  const header = ws.addRow(t.columns.map((c) => c.key));
  header.font = { bold: true };
  t.columns.forEach((c, i) => {
    const hint = columnHint(c);
    header.getCell(i + 1).note = `${c.labelVi}${c.required ? ' (bắt buộc)' : ''}${hint ? `\n${hint}` : ''}`;
  });
  header.commit();
  let count = 0;
  for (const r of rows) {
    ws.addRow(t.columns.map((c) => r[c.key] ?? null)).commit();
    count++;
  }
  // Validations are written when the sheet is committed, so their range can follow the rows.
  const last = Math.max(VALIDATION_MIN_ROWS, count + VALIDATION_SPARE_ROWS) + 1;
  t.columns.forEach((c, i) => {
    const range = `${columnLetter(i + 1)}2:${columnLetter(i + 1)}${last}`;
    if (c.kind === 'code') {
      const codes = CODE_LISTS[c.codeList as CodeListId].values.map((v) => v.code);
      ws.dataValidations.add(range, {
        type: 'list',
        allowBlank: !c.required,
        formulae: [`"${codes.join(',')}"`],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: 'Mã không hợp lệ',
        error: `Chọn một mã: ${codeListText(c.codeList!)}`.slice(0, 255),
        showInputMessage: true,
        promptTitle: c.key.slice(0, 32),
        prompt: codeListText(c.codeList!).slice(0, 255),
      });
    } else if (c.kind === 'date') {
      ws.dataValidations.add(range, {
        type: 'textLength',
        operator: 'between',
        allowBlank: !c.required,
        formulae: [4, 10],
        showErrorMessage: true,
        errorStyle: 'warning',
        errorTitle: 'Ngày không đúng dạng',
        error: `Ghi ngày dạng ${DATE_FORMAT_VI} (ví dụ 03.02.2017)`,
        showInputMessage: true,
        promptTitle: 'dd.mm.yyyy',
        prompt: dateRule(c).slice(0, 255),
      });
    }
  });
  ws.commit();
}

function addGuideSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, t: TemplateSpec) {
  const ws = wb.addWorksheet(GUIDE_SHEET_NAME);
  ws.columns = [
    { key: 'stt', width: 6 },
    { key: 'col', width: 6 },
    { key: 'key', width: 42 },
    { key: 'label', width: 52 },
    { key: 'kind', width: 22 },
    { key: 'req', width: 10 },
    { key: 'hint', width: 80 },
  ];
  const source =
    t.source === 'project'
      ? 'Mẫu này do dự án tự thiết kế (chưa có danh sách cột công khai), theo cùng kiểu với các mẫu khác.'
      : 'Danh sách cột theo các công cụ nhập liệu đang dùng với phần mềm hộ tịch (mẫu chính thức chưa công bố).';
  const lines: (string | number | null)[][] = [
    [`Hướng dẫn nhập liệu: ${t.nameVi} (${t.typeCode})`],
    [source],
    [`Dòng 1 của trang "${t.sheetName}" là tên trường, không sửa; mỗi trường hợp đăng ký ghi một dòng, từ dòng 2.`],
    [`Ngày ghi dạng ${DATE_FORMAT_VI} (ví dụ 03.02.2017). Số ghi như 05 hoặc 05/2017; quyển số như 01/2017.`],
    [],
    ['STT', 'Cột', 'Trường', 'Nội dung', 'Kiểu', 'Bắt buộc', 'Cách ghi / danh mục'],
    ...t.columns.map((c, i) => [i + 1, columnLetter(i + 1), c.key, c.labelVi, KIND_VI[c.kind], c.required ? 'Có' : '', columnHint(c)]),
    [],
    ['Danh mục mã'],
  ];
  const used = [...new Set(t.columns.filter((c) => c.codeList).map((c) => c.codeList!))];
  for (const id of used) {
    const l = CODE_LISTS[id];
    lines.push([null, null, id, `${l.labelVi}${l.source === 'project' ? ' (danh mục của dự án)' : ''}`]);
    for (const v of l.values) lines.push([null, null, v.code, v.labelVi]);
  }
  lines.forEach((values, i) => {
    const row = ws.addRow(values);
    if (i === 0 || i === 5 || values[0] === 'Danh mục mã') row.font = { bold: true };
    row.commit();
  });
  ws.commit();
}

/**
 * Writes the Excel template of a register type to `out` (streaming, so a pre-filled template of a
 * large book stays in bounded memory): data sheet with the field keys in row 1, drop-downs on
 * code columns and date hints, then the "Hướng dẫn" sheet. `rows` pre-fill the data sheet.
 */
export async function writeTemplate(type: RegisterType | TypeCode, out: Writable, rows: Iterable<TemplateRow> = []): Promise<void> {
  const t = templateFor(type);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'sohoa';
  wb.created = new Date(0); // fixed, so the same template gives the same bytes
  wb.modified = new Date(0);
  addDataSheet(wb, t, rows);
  addGuideSheet(wb, t);
  await wb.commit();
}

/** The template as a Buffer; `prefill` = rows from the PDF names (see `prefillFromPdfNames`). */
export async function buildTemplate(type: RegisterType | TypeCode, prefill?: Iterable<TemplateRow>): Promise<Buffer> {
  const out = new PassThrough();
  const done = readAll(out);
  await writeTemplate(type, out, prefill);
  return done;
}
