import { ApplicationFailure } from '@temporalio/common';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExcelActivities } from '../../activities/excel';
import { buildTemplate } from '../../activities/excel/template';
import { PROBLEMS_SHEET } from '../../activities/excel/annotate';
import type { ArtifactStore } from '../../clients/storage/types';
import type { Book } from '../../domain/book';
import type { ExcelValidation, Problem } from '../../domain/excel';
import { book } from '../support/fixtures';
import { keysOf, ksRow, loadWorkbook, pdfNamesFor, sheetOf, tempStore, workbook } from './support';

let env: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  env = await tempStore();
});
afterAll(() => env.cleanup());

const KS = keysOf('KS');
let n = 0;

/** Uploads `file` for book `b` (with a manifest of `pdfs` when given) and validates it. */
async function validate(file: Buffer | string, b: Book = book(), pdfs?: string[]) {
  const dir = `t${++n}`;
  const excelKey = `${dir}/KS.2017.01.xlsx`;
  await env.store.put(excelKey, file);
  let manifestKey: string | undefined;
  if (pdfs) {
    manifestKey = `${dir}/KS.2017.01.manifest.json`;
    await env.store.put(manifestKey, JSON.stringify({ files: pdfs.map((name) => ({ name, pages: 1, bytes: 1000, sha256: 'x' })) }));
  }
  const result = await createExcelActivities({ store: env.store }).validateExcel({ book: b, excelKey, manifestKey });
  const stored = (await env.store.list(dir)).map((o) => o.key.slice(dir.length + 1));
  return { result, stored, dir };
}

async function allProblems(r: ExcelValidation): Promise<Problem[]> {
  expect(r.problemsKey).toBeDefined();
  const json = JSON.parse((await env.store.getBuffer(r.problemsKey!)).toString('utf8')) as { problems: Problem[]; problemCount: number };
  expect(json.problemCount).toBe(r.problemCount);
  return json.problems;
}

const pick = (ps: Problem[]) => ps.map((p) => ({ code: p.code, ...(p.cell ? { cell: p.cell } : {}), ...(p.column ? { column: p.column } : {}) }));

const rows5 = [1, 2, 3, 4, 5].map((i) => ksRow(i));

describe('validateExcel', () => {
  it('accepts a clean workbook whose rows match the PDFs one to one, and stores no report', async () => {
    const { result, stored } = await validate(await sheetOf(KS, rows5), book(), pdfNamesFor(book(), rows5));
    expect(result).toMatchObject({ ok: true, rows: 5, problemCount: 0, problemsByCode: {}, sample: [] });
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).toEqual(['KS.2017.01.manifest.json', 'KS.2017.01.xlsx']);
  });

  it('reports a wrong header: unknown, missing and misplaced columns', async () => {
    const keys = [...KS];
    keys[keys.indexOf('nksHoTen')] = 'hoTen'; // renamed
    keys.splice(keys.indexOf('ghiChu'), 1); // missing
    const a = keys.indexOf('meHoTen');
    [keys[a], keys[a + 1]] = [keys[a + 1]!, keys[a]!]; // swapped
    const { result } = await validate(await sheetOf(keys, rows5));
    const ps = await allProblems(result);
    const header = ps.filter((p) => p.row === 1);
    expect(pick(header.filter((p) => p.code === 'unknownColumn'))).toEqual([{ code: 'unknownColumn', cell: 'J1', column: 'hoTen' }]);
    expect(header.filter((p) => p.code === 'missingColumn').map((p) => p.column).sort()).toEqual(['ghiChu', 'nksHoTen']);
    expect(header.filter((p) => p.code === 'misplacedColumn').map((p) => p.column)).toHaveLength(1);
    expect(['meHoTen', 'meNgaySinh']).toContain(header.find((p) => p.code === 'misplacedColumn')!.column);
    expect(header.find((p) => p.code === 'missingColumn' && p.column === 'ghiChu')!.messageVi).toBe('Thiếu cột ghiChu (Ghi chú).');
  });

  it("names another type's template instead of listing sixty column problems", async () => {
    const { result } = await validate(await buildTemplate('KH', [{ so: '01', quyenSo: '01/2017', ngayDangKy: '01.02.2017' }]));
    expect(result.problemsByCode).toEqual({ wrongTemplate: 1 });
    expect(result.sample[0]!.messageVi).toBe('Tệp dùng mẫu Sổ đăng ký kết hôn (KH), không phải mẫu Sổ đăng ký khai sinh (KS) của sổ này.');
  });

  it('reports bad dates, partial dates in a recent book, years outside the book, codes out of their lists and bad shapes', async () => {
    const rows = [
      ksRow(1, { ngayDangKy: '31.02.2017' }), // not a real date
      ksRow(2, { nksNgaySinh: '2017-01-02' }), // wrong shape
      ksRow(3, { nksNgaySinh: '01.2017' }), // partial, not allowed in p2016
      ksRow(4, { ngayDangKy: '04.02.2016' }), // outside the book's year
      ksRow(5, { nksGioiTinh: '4', loaiDangKy: '9' }), // codes out of list
      ksRow(6, { so: 'A6', quyenSo: '1-2017' }), // shapes
      ksRow(7, { quyenSo: '02/2017' }), // another book
      ksRow(8, { meNgaySinh: '1990', nksHoTen: '' }), // partial parent's birth date is fine; name required
    ];
    const { result } = await validate(await sheetOf(KS, rows));
    const ps = await allProblems(result);
    expect(pick(ps)).toEqual([
      { code: 'badDate', cell: 'D2', column: 'ngayDangKy' },
      { code: 'badDate', cell: 'M3', column: 'nksNgaySinh' },
      { code: 'partialDate', cell: 'M4', column: 'nksNgaySinh' },
      { code: 'yearOutsideBook', cell: 'D5', column: 'ngayDangKy' },
      { code: 'badCode', cell: 'E6', column: 'loaiDangKy' },
      { code: 'badCode', cell: 'L6', column: 'nksGioiTinh' },
      { code: 'badSo', cell: 'A7', column: 'so' },
      { code: 'badQuyenSo', cell: 'B7', column: 'quyenSo' },
      { code: 'otherBook', cell: 'B8', column: 'quyenSo' },
      { code: 'required', cell: 'K9', column: 'nksHoTen' },
    ]);
    expect(ps[0]!.messageVi).toBe('Ngày "31.02.2017" không có thật.');
    expect(ps[4]!.messageVi).toContain('1 = Đúng hạn');
  });

  it('allows partial dates in an old book (period p1976)', async () => {
    const old = book({ yearFrom: 1985, yearTo: 1985 });
    const rows = [ksRow(1, { quyenSo: '01/1985', ngayDangKy: '03.1985', nksNgaySinh: '1985' }), ksRow(2, { quyenSo: '01/1985', ngayDangKy: '1985', nksNgaySinh: '02.1985' })];
    const { result } = await validate(await sheetOf(KS, rows), old);
    expect(result).toMatchObject({ ok: true, rows: 2 });
  });

  it('flags duplicate cases, rows without a PDF, PDFs without a row and dates that disagree with the PDF', async () => {
    const b = book();
    const rows = [ksRow(1), ksRow(2), ksRow(2, { nksHoTen: 'Lê Thị Trùng' }), ksRow(3), ksRow(4)];
    const pdfs = pdfNamesFor(b, [ksRow(1), ksRow(2), ksRow(3, { ngayDangKy: '13.02.2017' }), ksRow(9)]);
    const { result, stored } = await validate(await sheetOf(KS, rows), b, pdfs);
    const ps = await allProblems(result);
    expect(pick(ps)).toEqual([
      { code: 'duplicateCase', cell: 'A4', column: 'so' },
      { code: 'dateMismatchPdf', cell: 'D5', column: 'ngayDangKy' },
      { code: 'pdfWithoutRow' },
      { code: 'rowWithoutPdf', cell: 'A6', column: 'so' },
    ]);
    expect(ps[0]!.messageVi).toBe('Trường hợp số 02 năm 2017 đã có ở dòng 3: mỗi trường hợp chỉ một dòng.');
    expect(ps[2]!.value).toBe('KS.2017.01.2017-02-09.09.pdf');
    // Nothing is stored as accepted: only the reports beside the upload.
    expect(stored).toEqual(['KS.2017.01.annotated.xlsx', 'KS.2017.01.manifest.json', 'KS.2017.01.problems.json', 'KS.2017.01.xlsx']);
  });

  it('reports an empty file, a file that is not xlsx, a missing file and a workbook without rows — without throwing', async () => {
    const empty = await validate(Buffer.alloc(0));
    expect(empty.result).toMatchObject({ ok: false, rows: 0, problemsByCode: { emptyFile: 1 } });
    expect(empty.stored).toEqual(['KS.2017.01.problems.json', 'KS.2017.01.xlsx']);

    const text = await validate('so;quyenSo\n01;01/2017\n');
    expect(text.result.problemsByCode).toEqual({ notXlsx: 1 });
    expect(text.result.sample[0]!.messageVi).toContain('không phải tệp Excel .xlsx');

    const zip = await validate(Buffer.from('504b0304', 'hex'));
    expect(zip.result.problemsByCode).toEqual({ notXlsx: 1 });

    const onlyHeader = await validate(await sheetOf(KS, []));
    expect(onlyHeader.result.problemsByCode).toEqual({ noRows: 1 });

    const guideOnly = await validate(await workbook([{ name: 'Hướng dẫn', rows: [['x']] }]));
    expect(guideOnly.result.problemsByCode).toEqual({ noDataSheet: 1 });

    const missing = await createExcelActivities({ store: env.store }).validateExcel({ book: book(), excelKey: 'nowhere/KS.2017.01.xlsx' });
    expect(missing).toMatchObject({ ok: false, problemsByCode: { fileMissing: 1 } });
  });

  it('reads Excel date cells and numbers as the clerk sees them', async () => {
    const rows = [ksRow(1), ksRow(2)];
    const cells = [KS, ...rows.map((r) => KS.map((k) => (k === 'ngayDangKy' ? new Date(Date.UTC(2017, 1, Number(r.so))) : k === 'so' ? Number(r.so) : (r[k] ?? null))))];
    const { result } = await validate(await workbook([{ name: 'KS', rows: cells }]), book(), pdfNamesFor(book(), rows));
    expect(result).toMatchObject({ ok: true, rows: 2 });
  });

  it('highlights and comments the problem cells in the annotated copy', async () => {
    const rows = [ksRow(1), ksRow(2, { nksGioiTinh: '7' }), ksRow(3, { ngayDangKy: '30.02.2017' })];
    const { result } = await validate(await sheetOf(KS, rows));
    expect(result.annotatedKey).toBeDefined();
    const wb = await loadWorkbook(await env.store.getBuffer(result.annotatedKey!));
    const ws = wb.worksheets[0]!;
    const red = (ref: string) => (ws.getCell(ref).fill as { fgColor?: { argb?: string } } | undefined)?.fgColor?.argb;
    expect(red('L3')).toBe('FFFF8080');
    expect(String(ws.getCell('L3').note)).toContain('"7" không có trong danh mục nksGioiTinh');
    expect(red('D4')).toBe('FFFF8080');
    expect(String(ws.getCell('D4').note)).toBe('Ngày "30.02.2017" không có thật.');
    expect(red('L2')).toBeUndefined();
    expect(ws.getCell('L2').value).toBe('2');
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(KS);
    const list = wb.getWorksheet(PROBLEMS_SHEET)!;
    expect(list.rowCount).toBe(1 + result.problemCount);
  });

  it('clears the reports of an earlier upload once the file is clean', async () => {
    const b = book();
    const excelKey = 'again/KS.2017.01.xlsx';
    const acts = createExcelActivities({ store: env.store });
    await env.store.put(excelKey, await sheetOf(KS, [ksRow(1, { nksGioiTinh: '9' })]));
    const bad = await acts.validateExcel({ book: b, excelKey });
    expect(bad.ok).toBe(false);
    await env.store.put(excelKey, await sheetOf(KS, [ksRow(1)]));
    const good = await acts.validateExcel({ book: b, excelKey });
    expect(good.ok).toBe(true);
    expect((await env.store.list('again')).map((o) => o.key)).toEqual([excelKey]);
  });

  it('throws an ordinary (retryable) error when the store fails while reading', async () => {
    const excelKey = 'flaky/KS.2017.01.xlsx';
    await env.store.put(excelKey, await sheetOf(KS, rows5));
    const flaky: ArtifactStore = Object.create(env.store, {
      get: {
        value: async () =>
          new Readable({
            read() {
              this.destroy(new Error('ECONNRESET: kho lưu trữ ngắt kết nối'));
            },
          }),
      },
    });
    const err = await createExcelActivities({ store: flaky })
      .validateExcel({ book: book(), excelKey })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect((err as Error).message).toContain('ECONNRESET');
  });

  it('fails non-retryably when the manifest it was given does not exist', async () => {
    const excelKey = 'nomanifest/KS.2017.01.xlsx';
    await env.store.put(excelKey, await sheetOf(KS, rows5));
    const err = await createExcelActivities({ store: env.store })
      .validateExcel({ book: book(), excelKey, manifestKey: 'nomanifest/none.json' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).type).toBe('ManifestMissing');
  });

  it('keeps its output small for the workflow history even with thousands of problems', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ksRow(i + 1, { ngayDangKy: '01.01.2017', nksGioiTinh: 'x' }));
    const { result } = await validate(await sheetOf(KS, rows));
    expect(result.rows).toBe(3000);
    expect(result.problemsByCode.badCode).toBe(3000);
    expect(result.sample).toHaveLength(50);
    expect(JSON.stringify(result).length).toBeLessThan(30_000);
    expect((await allProblems(result)).length).toBe(result.problemCount);
  });
});
