import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExcelActivities } from '../../activities/excel';
import type { ExcelValidation, Problem } from '../../domain/excel';
import { book } from '../support/fixtures';
import { keysOf, ksRow, loadWorkbook, pdfNamesFor, sheetOf, tempStore } from './support';

/**
 * A clerk's upload, as they meet its answer: one mistake is reported once, where it is, in
 * Vietnamese, naming their own file; nothing is derived from a value already reported as wrong.
 */
let env: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  env = await tempStore();
});
afterAll(() => env.cleanup());

const KS = keysOf('KS');
const rows5 = [1, 2, 3, 4, 5].map((i) => ksRow(i));
const b = book();
let n = 0;

/** The clerk's file, stored under the name they uploaded it with (as the API does), with the book's PDFs. */
async function upload(file: Buffer | string, name = 'KS.2017.01.xlsx', pdfs: string[] = pdfNamesFor(b, rows5)) {
  const dir = `c${++n}`;
  const excelKey = `${dir}/${name}`;
  await env.store.put(excelKey, file);
  const manifestKey = `${dir}/manifest.json`;
  await env.store.put(manifestKey, JSON.stringify({ files: pdfs.map((p) => ({ name: p })) }));
  return createExcelActivities({ store: env.store }).validateExcel({ book: b, excelKey, manifestKey });
}
const problems = async (r: ExcelValidation): Promise<Problem[]> => (JSON.parse((await env.store.getBuffer(r.problemsKey!)).toString('utf8')) as { problems: Problem[] }).problems;
const redCells = async (r: ExcelValidation) => {
  const ws = (await loadWorkbook(await env.store.getBuffer(r.annotatedKey!))).worksheets[0]!;
  const out: string[] = [];
  ws.eachRow((row) => row.eachCell({ includeEmpty: true }, (cell) => (cell.fill as { fgColor?: { argb?: string } } | undefined)?.fgColor?.argb && out.push(cell.address)));
  return out;
};

describe('a clerk’s Excel upload, as the clerk meets its answer', () => {
  it('a header key whose case changed is one problem with a hint; its rows are read as that column', async () => {
    const keys = KS.map((k) => (k === 'nksHoTen' ? 'nksHoten' : k));
    const rows = [...rows5.slice(0, 4), ksRow(5, { nksHoTen: '' })].map((row) => ({ ...row, nksHoten: row.nksHoTen ?? '' }));
    const r = await upload(await sheetOf(keys, rows));
    const ps = await problems(r);
    expect(ps.map((p) => [p.code, p.cell, p.column])).toEqual([
      ['misnamedColumn', 'K1', 'nksHoTen'],
      // The one real gap in that column is still found, in its own cell.
      ['required', 'K6', 'nksHoTen'],
    ]);
    expect(ps[0]!.messageVi).toBe('Tên cột "nksHoten" gần giống "nksHoTen" của mẫu, cột Họ, chữ đệm và tên (người được khai sinh): sửa lại thành "nksHoTen", đúng từng chữ hoa, chữ thường.');
    // The annotated copy paints those two cells, no others.
    expect(await redCells(r)).toEqual(['K1', 'K6']);
  });

  it('a column missing from the header is reported once, not as a missing value on every row', async () => {
    const r = await upload(await sheetOf(KS.filter((k) => k !== 'nksHoTen'), rows5));
    expect(r.problemsByCode).toEqual({ missingColumn: 1 });
    expect(await redCells(r)).toEqual([]);
  });

  it('a row with an impossible date or a year outside the book is reported once, not again against the PDFs', async () => {
    const rows = [ksRow(1), ksRow(2, { ngayDangKy: '31.02.2017' }), ksRow(3), ksRow(4, { ngayDangKy: '04.02.2016' }), ksRow(5, { so: '05/2031' })];
    const r = await upload(await sheetOf(KS, rows));
    expect((await problems(r)).map((p) => [p.code, p.cell])).toEqual([
      ['badDate', 'D3'],
      ['yearOutsideBook', 'D5'],
      ['yearOutsideBook', 'A6'],
    ]);
  });

  it('a file that is not a workbook is named as uploaded, in Vietnamese, with what to do and no parser jargon', async () => {
    const r = await upload(Buffer.from('%PDF-1.7 not a workbook'), 'Sổ khai sinh 2017.xlsx');
    expect(r.problemsByCode).toEqual({ notXlsx: 1 });
    const [p] = r.sample;
    expect(p!.messageVi).toBe('Tệp Sổ khai sinh 2017.xlsx không phải tệp Excel .xlsx: mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu "Excel Workbook (*.xlsx)" rồi tải lên lại.');
    expect(p!.messageVi).not.toMatch(/signature|0x|zip|KS\.2017\.01/i);
    // No annotated copy for a file that cannot be read.
    expect(r.annotatedKey).toBeUndefined();
  });
});
