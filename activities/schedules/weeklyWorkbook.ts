import ExcelJS from 'exceljs';
import type { ProgressRow } from '../../contracts/v1';
import { dayVi } from '../../domain/schedules';

export interface WeeklyWorkbookInput {
  provinceName: string;
  districtName: string;
  /** The day the figures are for (yyyy-mm-dd). */
  day: string;
  /** The run's instant: the workbook's creation date. */
  at: string;
  byStep: { rows: ProgressRow[]; total: ProgressRow };
  byType: { rows: ProgressRow[]; total: ProgressRow };
}

const FONT = 'Times New Roman';
const thin: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
const COLS: { header: string; width: number; value: (r: ProgressRow) => string | number }[] = [
  { header: '', width: 34, value: (r) => r.label },
  { header: 'Số sổ', width: 10, value: (r) => r.books },
  { header: 'Số trường hợp', width: 14, value: (r) => r.cases },
  { header: 'Số trang', width: 12, value: (r) => r.pages },
  { header: 'Hoàn thành', width: 12, value: (r) => r.done },
  { header: 'Đang thực hiện', width: 14, value: (r) => r.inProgress },
  { header: 'Quá hạn', width: 10, value: (r) => r.overdue },
  { header: 'Tỷ lệ hoàn thành (%)', width: 14, value: (r) => r.percentDone },
];

/** The header row of each sheet (the title and subtitle are above it, the rows below). */
export const WEEKLY_HEADER_ROW = 4;

function addSheet(wb: ExcelJS.Workbook, name: string, firstHeader: string, input: WeeklyWorkbookInput, report: { rows: ProgressRow[]; total: ProgressRow }) {
  const ws = wb.addWorksheet(name, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = COLS.map((c) => ({ width: c.width }));
  const title = (row: number, text: string, font: Partial<ExcelJS.Font>) => {
    ws.mergeCells(row, 1, row, COLS.length);
    const cell = ws.getCell(row, 1);
    cell.value = text.normalize('NFC');
    cell.font = { name: FONT, size: 12, ...font };
    cell.alignment = { horizontal: 'center' };
  };
  title(1, `BÁO CÁO TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH — ${input.districtName.toLocaleUpperCase('vi')}`, { bold: true, size: 14 });
  title(2, `Tỉnh ${input.provinceName}; số liệu đến ngày ${dayVi(input.day)} (từ hệ thống sohoa)`, { italic: true });

  const header = ws.getRow(WEEKLY_HEADER_ROW);
  COLS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = (i === 0 ? firstHeader : c.header).normalize('NFC');
    cell.font = { name: FONT, size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = thin;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
  });
  header.height = 32;

  [...report.rows, report.total].forEach((r, idx) => {
    const row = ws.getRow(WEEKLY_HEADER_ROW + 1 + idx);
    const isTotal = r === report.total;
    COLS.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      const v = c.value(r);
      cell.value = typeof v === 'string' ? v.normalize('NFC') : v;
      cell.font = { name: FONT, size: 11, bold: isTotal };
      cell.border = thin;
      cell.alignment = { horizontal: i === 0 ? 'left' : 'right' };
      if (i === COLS.length - 1) cell.numFmt = '0.0';
      else if (typeof v === 'number') cell.numFmt = '[$-42A]#,##0';
    });
  });
}

/** A district's weekly progress: one sheet by step, one by register type, Vietnamese headers, a total row each. */
export async function buildWeeklyWorkbook(input: WeeklyWorkbookInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'sohoa';
  wb.created = wb.modified = new Date(input.at);
  addSheet(wb, 'Theo bước', 'Bước', input, input.byStep);
  addSheet(wb, 'Theo loại sổ', 'Loại sổ', input, input.byType);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
