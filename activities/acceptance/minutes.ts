import ExcelJS from 'exceljs';
import { minutesFigures, vndInWords, type MinutesLine, type MinutesRowInput } from '../../domain/acceptance';
import { formatDateVi } from '../../domain/settings';
import { neutraliseCell } from '../../contracts/v1/cells';

export interface AcceptanceMinutesInput {
  province: { code: string; name: string };
  /** One entry per book (from visibility: memo counts, agency, district, mismatches). */
  rows: MinutesRowInput[];
  /** VND per scanned page (SOHOA_PRICE_PER_PAGE). */
  pricePerPage: number;
  /** Date of the minutes: `yyyy-mm-dd`, an ISO instant or a Date (shown in Vietnam's time). */
  date: string | Date;
  /** Name of the contractor (đơn vị thực hiện), if known. */
  contractor?: string;
  /** District names of the province's units (a row may carry its own). */
  districtName: (code: string) => string;
}

export const MINUTES_TITLE = 'BIÊN BẢN NGHIỆM THU KẾT QUẢ SỐ HÓA SỔ HỘ TỊCH';
export const LEGAL_BASIS = [
  'Căn cứ Quyết định số 1959/QĐ-UBND ngày 18/9/2023 của Ủy ban nhân dân tỉnh Quảng Nam về số hóa sổ hộ tịch;',
  'Căn cứ Công văn số 1437/BTP-CNTT ngày 25/4/2019 của Bộ Tư pháp về yêu cầu đối với dữ liệu số hóa sổ hộ tịch;',
];

const FONT = 'Times New Roman';
/** Vietnamese grouping (10.787.200) whatever the reader's locale (LibreOffice honours the LCID). */
const NUM = '[$-42A]#,##0';
const COLS: { header: string; width: number; key: keyof MinutesLine | 'stt' }[] = [
  { header: 'STT', width: 6, key: 'stt' },
  { header: 'Đơn vị', width: 36, key: 'name' },
  { header: 'Số sổ', width: 9, key: 'books' },
  { header: 'Số trường hợp', width: 12, key: 'cases' },
  { header: 'Số trang', width: 11, key: 'pages' },
  { header: 'Số tệp PDF', width: 11, key: 'pdfs' },
  { header: 'Số bản ghi đã nhập CSDLHTĐT', width: 15, key: 'imported' },
  { header: 'Số sổ có chênh lệch', width: 11, key: 'booksWithMismatches' },
  { header: 'Số chênh lệch', width: 11, key: 'mismatches' },
  { header: 'Thành tiền (đồng)', width: 17, key: 'amount' },
];
const LAST = COLS.length;
const thin: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };

function dateParts(d: string | Date): [string, string, string] {
  const s = d instanceof Date ? formatDateVi(d.getTime()) : /^\d{4}-\d{2}-\d{2}$/.test(d) ? d.split('-').reverse().join('/') : formatDateVi(d);
  const [dd, mm, yyyy] = s.split('/') as [string, string, string];
  return [dd, mm, yyyy];
}

/** Sheet names: at most 31 characters, none of []:*?/\ , unique. */
function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim() || 'Trang';
  let n = base;
  for (let i = 2; used.has(n); i++) n = `${base.slice(0, 27)} (${i})`;
  used.add(n);
  return n;
}

function addSheet(wb: ExcelJS.Workbook, name: string, subtitle: string, unitLabel: string, lines: MinutesLine[], total: MinutesLine, input: AcceptanceMinutesInput) {
  const ws = wb.addWorksheet(name, {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.6, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C&"Times New Roman"&10Trang &P/&N' },
    properties: { defaultRowHeight: 18 },
  });
  ws.columns = COLS.map((c) => ({ width: c.width }));
  const [dd, mm, yyyy] = dateParts(input.date);
  const province = input.province.name;
  const put = (row: number, from: number, to: number, value: string, font: Partial<ExcelJS.Font> = {}, align: Partial<ExcelJS.Alignment> = { horizontal: 'center' }) => {
    if (to > from) ws.mergeCells(row, from, row, to);
    const cell = ws.getCell(row, from);
    cell.value = neutraliseCell(value.normalize('NFC'));
    cell.font = { name: FONT, size: 12, ...font };
    cell.alignment = { vertical: 'middle', wrapText: true, ...align };
    return cell;
  };

  put(1, 1, 4, `UBND TỈNH ${province.toLocaleUpperCase('vi')}`);
  put(2, 1, 4, 'SỞ TƯ PHÁP', { bold: true });
  put(1, 5, LAST, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true });
  put(2, 5, LAST, 'Độc lập - Tự do - Hạnh phúc', { bold: true });
  put(3, 5, LAST, `${province}, ngày ${dd} tháng ${mm} năm ${yyyy}`, { italic: true });
  put(5, 1, LAST, MINUTES_TITLE, { bold: true, size: 14 });
  put(6, 1, LAST, subtitle, { bold: true });
  let r = 8;
  const left = { horizontal: 'left' as const };
  for (const line of LEGAL_BASIS) put(r++, 1, LAST, line, { italic: true }, left);
  put(r++, 1, LAST, `Căn cứ kết quả kiểm tra số liệu của từng sổ (rà soát, bản quét, dữ liệu, nhập CSDLHTĐT) trên hệ thống sohoa đến ngày ${dd}/${mm}/${yyyy};`, { italic: true }, left);
  put(r++, 1, LAST, `Hai bên thống nhất xác nhận kết quả số hóa như sau (đơn giá ${input.pricePerPage.toLocaleString('vi-VN')} đồng/trang):`, {}, left);
  r++;

  const headerRow = r;
  const header = ws.getRow(headerRow);
  COLS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.key === 'name' ? unitLabel : c.header;
    cell.font = { name: FONT, size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = thin;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
  });
  header.height = 48;
  r++;

  const firstData = r;
  lines.forEach((l, idx) => {
    const row = ws.getRow(r++);
    COLS.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      cell.value = c.key === 'stt' ? idx + 1 : c.key === 'name' ? neutraliseCell(l.name.normalize('NFC')) : (l[c.key] as number);
      cell.font = { name: FONT, size: 11 };
      cell.border = thin;
      cell.alignment = { vertical: 'middle', wrapText: c.key === 'name', horizontal: c.key === 'name' ? 'left' : c.key === 'stt' ? 'center' : 'right' };
      if (typeof cell.value === 'number' && c.key !== 'stt') cell.numFmt = NUM;
    });
  });
  const totalRow = ws.getRow(r);
  COLS.forEach((c, i) => {
    const cell = totalRow.getCell(i + 1);
    const col = ws.getColumn(i + 1).letter;
    if (c.key === 'name') cell.value = 'Tổng cộng';
    else if (c.key !== 'stt') {
      // A formula, so an edited figure re-adds; the cached result is what a reader shows without recalculating.
      cell.value = lines.length ? { formula: `SUM(${col}${firstData}:${col}${r - 1})`, result: total[c.key] as number } : 0;
      cell.numFmt = NUM;
    }
    cell.font = { name: FONT, size: 11, bold: true };
    cell.border = thin;
    cell.alignment = { vertical: 'middle', horizontal: c.key === 'name' ? 'left' : 'right' };
  });
  r += 2;

  put(r++, 1, LAST, `Tổng số tiền: ${total.amount.toLocaleString('vi-VN')} đồng (${total.pages.toLocaleString('vi-VN')} trang × ${input.pricePerPage.toLocaleString('vi-VN')} đồng/trang).`, { bold: true }, left);
  put(r++, 1, LAST, `Bằng chữ: ${vndInWords(total.amount)}.`, { italic: true }, left);
  put(r++, 1, LAST, 'Số chênh lệch: số điểm không khớp giữa số liệu rà soát, bản quét, dữ liệu và số bản ghi đã nhập của từng sổ (chi tiết trong báo cáo nghiệm thu của sổ).', { size: 11 }, left);
  r++;
  put(r, 1, 4, 'ĐẠI DIỆN SỞ TƯ PHÁP', { bold: true });
  put(r++, 6, LAST, 'ĐẠI DIỆN ĐƠN VỊ THỰC HIỆN', { bold: true });
  put(r, 1, 4, '(Ký, ghi rõ họ tên, đóng dấu)', { italic: true });
  put(r++, 6, LAST, input.contractor ? `${input.contractor}\n(Ký, ghi rõ họ tên, đóng dấu)` : '(Ký, ghi rõ họ tên, đóng dấu)', { italic: true });
  if (input.contractor) ws.getRow(r - 1).height = 34;
  // Room for signatures and seals inside the print area.
  ws.pageSetup.printTitlesRow = `${headerRow}:${headerRow}`;
  ws.pageSetup.printArea = `A1:${ws.getColumn(LAST).letter}${r + 4}`;
  ws.views = [{ state: 'normal', showGridLines: false }];
}

/**
 * The acceptance minutes (biên bản nghiệm thu) as .xlsx: a summary sheet per district, then one
 * sheet per district listing its agencies; books, cases, pages, PDFs, records imported, mismatches
 * and the amount at the price per page; A4 landscape, fit to width, table header repeated on each page.
 */
export async function buildAcceptanceMinutes(input: AcceptanceMinutesInput): Promise<Buffer> {
  const f = minutesFigures(input.rows, input.pricePerPage, input.districtName);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'sohoa';
  wb.title = MINUTES_TITLE;
  const used = new Set<string>();
  addSheet(wb, sheetName('Tổng hợp', used), `TỔNG HỢP TOÀN TỈNH ${input.province.name.toLocaleUpperCase('vi')}`, 'Huyện, thị xã, thành phố', f.districts.map((d) => d.line), f.total, input);
  for (const d of f.districts) {
    addSheet(wb, sheetName(d.line.name, used), `ĐƠN VỊ: ${d.line.name.toLocaleUpperCase('vi')}`, 'Cơ quan đăng ký hộ tịch', d.agencies, d.line, input);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
