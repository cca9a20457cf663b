import { units } from '../support/fixtures';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createC06Activities } from '../../activities/c06';
import { intakeC06Batch, type C06IntakeResult } from '../../activities/c06/intake';
import { c06BookKey, c06KeyFromBatchRef, matchC06Rows, normaliseC06Date, normaliseC06Row, type C06Correction } from '../../domain/c06';
import { TEMPLATES } from '../../domain/excel/columns';
import { books, candidates, ksCsv, ksXlsx, ktXlsx, tempStore, wf } from './c06Fixtures';

type Store = Awaited<ReturnType<typeof tempStore>>;

async function readSheet(buf: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const out: string[][] = [];
  ws.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
  return out;
}

const cellOf = (sheet: string[][], key: string, rowIdx: number) => sheet[rowIdx]![sheet[0]!.indexOf(key)] ?? '';

describe('C06 normalisation (pure)', () => {
  it('brings dates to dd.mm.yyyy and flags impossible years without changing them', () => {
    expect(normaliseC06Date('03/02/2017', 2025)).toMatchObject({ value: '03.02.2017', code: 'dateFormat' });
    expect(normaliseC06Date('4/2/2017', 2025).value).toBe('04.02.2017');
    expect(normaliseC06Date('02/2017', 2025).value).toBe('02.2017');
    expect(normaliseC06Date('2017-02-03', 2025).value).toBe('03.02.2017');
    expect(normaliseC06Date(new Date(Date.UTC(2005, 2, 12)), 2025).value).toBe('12.03.2005');
    const y = normaliseC06Date('12/03/5005', 2025);
    expect(y.value).toBe('12.03.5005');
    expect(y.flag).toBe('impossibleYear');
    expect(y.flagNote).toContain('2005');
    expect(normaliseC06Date('31/02/2017', 2025).flag).toBe('unrealDate');
    expect(normaliseC06Date('ngày 3 tháng 2', 2025).flag).toBe('unreadableDate');
  });

  it('reports every correction of a dirty row', () => {
    const { row, corrections } = normaliseC06Row(
      { DC_DVNHAPHUYEN: 'Tam Kỳ', DC_DVNHAPXA: 'Tân Thạnh', SO: '06', QUYENSO: '1/2017', NGAYDANGKY: '4/2/2017', LOAIDANGKY: '', NKSHOTEN: ' Trần  Thị Bé ', NKSGIOITINH: 'Nữ' },
      { row: 3, type: 'birth', maxYear: 2025 },
    );
    expect(row.values).toMatchObject({ quyenSo: '01/2017', ngayDangKy: '04.02.2017', loaiDangKy: '6', nksHoTen: 'Trần Thị Bé', nksGioiTinh: '2' });
    expect(row).toMatchObject({ bookNo: '01', year: 2017, registrationYear: 2017 });
    const by = (f: string) => corrections.find((c) => c.field === f);
    expect(by('loaiDangKy')).toMatchObject({ from: '', to: '6', kind: 'corrected', code: 'registrationTypeDefault' });
    expect(by('quyenSo')).toMatchObject({ from: '1/2017', to: '01/2017', code: 'quyenSoFormat' });
    expect(by('ngayDangKy')).toMatchObject({ from: '4/2/2017', to: '04.02.2017' });
    expect(by('nksGioiTinh')).toMatchObject({ from: 'Nữ', to: '2', code: 'codeFormat' });
    expect(by('nksHoTen')).toMatchObject({ code: 'text', to: 'Trần Thị Bé' });
  });

  it('flags a missing registration type where the type has no "không xác định" code (marriage)', () => {
    const { row, corrections } = normaliseC06Row({ SO: '1', QUYENSO: '01/2010', NGAYDANGKY: '01/01/2010', CHONGHOTEN: 'A', VOHOTEN: 'B' }, { row: 2, type: 'marriage' });
    expect(row.values.loaiDangKy ?? '').toBe('');
    expect(corrections).toContainEqual(expect.objectContaining({ field: 'loaiDangKy', kind: 'flagged', code: 'registrationTypeMissing' }));
  });

  it('matches rows to books; unmatched and ambiguous rows keep their reason', () => {
    const norm = (raw: Record<string, string>, row: number) => normaliseC06Row(raw, { row, type: 'birth', maxYear: 2025 }).row;
    const rows = [
      norm({ DC_DVNHAPHUYEN: '502', DC_DVNHAPXA: '20335', QUYENSO: '01/2017', NGAYDANGKY: '03/02/2017' }, 2),
      norm({ DC_DVNHAPHUYEN: 'Tam Kỳ', DC_DVNHAPXA: 'UBND phường Tân Thạnh', QUYENSO: '02/2017', NGAYDANGKY: '03/02/2017' }, 3),
      norm({ DC_DVNHAPXA: 'Tân Thạnh', QUYENSO: '01/2017' }, 4),
      norm({ DC_DVNHAPHUYEN: '503', DC_DVNHAPXA: '20398', QUYENSO: '03/2018' }, 5),
      norm({ DC_DVNHAPHUYEN: '502', DC_DVNHAPXA: '20335', QUYENSO: '01/5017' }, 6),
      norm({ DC_DVNHAPHUYEN: '503', DC_DVNHAPXA: '20398', QUYENSO: '', NGAYDANGKY: '05/05/2018' }, 7),
    ];
    const m = matchC06Rows(rows, candidates, { batchSha256: 'ab'.repeat(32), districts: units.districts });
    expect(m.matched.map((x) => [x.workflowId, x.rows, x.rowNos])).toEqual([
      [wf(books.ksTanThanh01), 1, [2]],
      [wf(books.ksTanThanh02), 1, [3]],
      [wf(books.ksMinhAn01), 1, [7]],
    ]);
    expect(m.matched[0]!.key).toBe(c06BookKey(books.ksTanThanh01, 'ab'.repeat(32)));
    expect(m.inferred).toEqual([expect.objectContaining({ row: 7, workflowId: wf(books.ksMinhAn01) })]);
    expect(m.ambiguous).toEqual([{ row: 4, reason: expect.stringContaining('trùng nhiều xã'), workflowIds: [wf(books.ksTanThanh01), wf(books.ksTanThanh02), wf(books.ksOtherTanThanh01)] }]);
    expect(m.unmatched).toEqual([
      { row: 5, reason: expect.stringContaining('quyển 03 năm 2018') },
      { row: 6, reason: expect.stringContaining('5017') },
    ]);
  });
});

describe('C06 batch intake (real files in a local store)', () => {
  let s: Store;
  beforeAll(async () => {
    s = await tempStore();
  });
  afterAll(() => s.cleanup());

  const intake = (buf: Buffer, format: 'csv' | 'xlsx', fileName: string) =>
    intakeC06Batch({ store: s.store, batch: { source: { stream: Readable.from([buf]) }, format, fileName }, candidates, districts: units.districts, maxYear: 2025 });

  async function correctionsOf(r: C06IntakeResult): Promise<C06Correction[]> {
    return JSON.parse((await s.store.getBuffer(r.correctionsKey)).toString('utf8'));
  }

  async function checkKsBatch(r: C06IntakeResult) {
    expect(r.rows).toBe(9);
    expect(r.matched.map((m) => [m.workflowId, m.rows])).toEqual([
      [wf(books.ksTanThanh01), 4],
      [wf(books.ksTanThanh02), 1],
    ]);
    expect(r.unmatched.map((u) => u.row)).toEqual([5, 8, 10]);
    expect(r.unmatched[0]!.reason).toContain('5017');
    expect(r.ambiguous.map((a) => a.row)).toEqual([9]);

    const all = await correctionsOf(r);
    expect(all.length).toBe(r.corrections.total);
    expect(all.filter((c) => c.kind === 'flagged').length).toBe(r.corrections.flagged);
    expect(all).toContainEqual(expect.objectContaining({ row: 5, field: 'quyenSo', kind: 'flagged', code: 'impossibleYear', from: '01/5017', to: '01/5017' }));
    expect(all).toContainEqual(expect.objectContaining({ row: 3, field: 'loaiDangKy', to: '6', code: 'registrationTypeDefault' }));
    expect(all).toContainEqual(expect.objectContaining({ row: 6, field: 'ngayDangKy', kind: 'flagged', code: 'registrationDateMissing' }));
    const y5005 = all.find((c) => c.row === 7 && c.field === 'ngayDangKy' && c.code === 'impossibleYear')!;
    expect(y5005).toMatchObject({ kind: 'flagged', from: '12.03.5005', to: '12.03.5005' });
    expect(y5005.note).toContain('2005');

    // The book's file is in the template's form: KS keys in row 1, values normalised, 5005 left as is.
    const sheet = await readSheet(await s.store.getBuffer(r.matched[0]!.key));
    expect(sheet[0]).toEqual(TEMPLATES.KS.columns.map((c) => c.key));
    expect(sheet.length).toBe(1 + 4);
    expect(sheet.slice(1).map((row) => cellOf([sheet[0]!, row], 'ngayDangKy', 1))).toEqual(['03.02.2017', '04.02.2017', '', '12.03.5005']);
    expect(cellOf(sheet, 'loaiDangKy', 2)).toBe('6');
    expect(cellOf(sheet, 'quyenSo', 2)).toBe('01/2017');
    expect(cellOf(sheet, 'nksHoTen', 2)).toBe('Trần Thị Bé');
    expect(cellOf(sheet, 'nksGioiTinh', 2)).toBe('2');
    expect(r.matched[0]!.key).toBe(c06KeyFromBatchRef(books.ksTanThanh01, r.batchRef));
  }

  it('takes in a dirty CSV batch: corrections listed, rows matched, files in the template form', async () => {
    const r = await intake(ksCsv(), 'csv', 'c06-tamky.csv');
    expect(r.unchanged).toBe(false);
    await checkKsBatch(r);
    const report = JSON.parse((await s.store.getBuffer(r.reportKey)).toString('utf8'));
    expect(report.sha256).toBe(r.sha256);
    expect(report.unmatched).toHaveLength(3);
  });

  it('takes in the same batch as xlsx (date cells, numeric case numbers) with the same result', async () => {
    const r = await intake(await ksXlsx(), 'xlsx', 'c06-tamky.xlsx');
    await checkKsBatch(r);
  });

  it('re-submitting the same batch changes nothing and says so', async () => {
    const buf = ksCsv();
    const first = await intake(buf, 'csv', 'c06-tamky.csv');
    const before = await s.store.list('');
    const again = await intake(buf, 'csv', 'lan-2.csv');
    expect(again.unchanged).toBe(true);
    expect(again.matched).toEqual(first.matched);
    expect(again.batchRef).toBe(first.batchRef);
    const after = await s.store.list('');
    expect(after).toEqual(before);
    // A crash after the books' files but before the report: the retry keeps the files as they are.
    await s.store.delete(first.reportKey);
    const retried = await intake(buf, 'csv', 'c06-tamky.csv');
    expect(retried.unchanged).toBe(false);
    expect(retried.matched).toEqual(first.matched);
    expect(await s.store.list('')).toEqual(before);
  });

  it('reads a KT xlsx with a type column and old tone marks in names; missing type → 6', async () => {
    const r = await intake(await ktXlsx(), 'xlsx', 'c06-kt.xlsx');
    expect(r.matched).toEqual([expect.objectContaining({ workflowId: wf(books.ktHoaHuong01), rows: 2 })]);
    const sheet = await readSheet(await s.store.getBuffer(r.matched[0]!.key));
    expect(sheet[0]).toEqual(TEMPLATES.KT.columns.map((c) => c.key));
    expect([cellOf(sheet, 'ngayDangKy', 1), cellOf(sheet, 'ngayDangKy', 2)]).toEqual(['12.03.2005', '14.03.2005']);
    expect([cellOf(sheet, 'loaiDangKy', 1), cellOf(sheet, 'nktNgayChet', 2)]).toEqual(['6', '12.03.2005']);
  });

  it('reconcileC06 finds each matched book’s file from the batchRef, counts its rows and lists the doubtful ones where the clerk finds them', async () => {
    const r = await intake(ksCsv(), 'csv', 'c06-tamky.csv');
    const { reconcileC06 } = createC06Activities({ store: s.store });
    const got = await reconcileC06({ book: books.ksTanThanh01, batchRef: r.batchRef, records: 4 });
    expect(got).toMatchObject({ key: r.matched[0]!.key, sha256: r.matched[0]!.sha256, rows: 4 });
    expect(got.problem).toBeUndefined();
    // Batch rows 6 (no registration date) and 7 (year 5005) are rows 4 and 5 of the book's file: each
    // once, with the intake's own words (the Excel rules' "required" and "year outside the book" on the
    // same cells are not repeated), the cell, and the batch row C06 can look up.
    expect(got.findings).toEqual([
      { row: 4, cell: 'D4', column: 'ngayDangKy', batchRow: 6, messageVi: 'thiếu ngày đăng ký; cần đối chiếu sổ gốc' },
      { row: 5, cell: 'D5', column: 'ngayDangKy', batchRow: 7, messageVi: expect.stringContaining('năm 5005 không thể có (có thể là 2005?)') },
    ]);
    expect(got).toMatchObject({ findingCount: 2, rowsFlagged: 2 });
    // As for an Excel upload: a copy with the doubtful cells in red beside the file.
    expect(got.annotatedKey && (await s.store.head(got.annotatedKey))).toBeTruthy();
    // The clean book's rows need nothing; a count that differs from the delivery's is a finding too.
    expect(await reconcileC06({ book: books.ksTanThanh02, batchRef: r.batchRef, records: 1 })).toMatchObject({ findings: [], findingCount: 0 });
    const short = await reconcileC06({ book: books.ksTanThanh02, batchRef: r.batchRef, records: 2 });
    expect(short.problem).toContain('2 bản ghi');
    expect(short.findings).toEqual([{ messageVi: short.problem }]);
    await expect(reconcileC06({ book: books.ksMinhAn01, batchRef: r.batchRef })).rejects.toMatchObject({ nonRetryable: true, type: 'C06FileMissing' });
  });

  it('refuses a file that is not what it claims, without retrying', async () => {
    await expect(intake(Buffer.from('this is not a zip'), 'xlsx', 'fake.xlsx')).rejects.toMatchObject({ nonRetryable: true, type: 'C06UnreadableBatch' });
    await expect(intake(Buffer.from('SO;QUYENSO\r\n'), 'csv', 'header-only.csv')).rejects.toMatchObject({ nonRetryable: true, type: 'C06EmptyBatch' });
  });
});
