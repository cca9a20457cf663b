import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAcceptanceMinutes, createAcceptanceActivities, MINUTES_TITLE } from '../../activities/acceptance';
import { compareCounts, minutesFigures, vndInWords, type MinutesRowInput } from '../../domain/acceptance';
import { workflowIdFor } from '../../domain/book';
import { book, units } from '../support/fixtures';
import { storeBookPackage } from './bookPackage';
import { tempStore } from './c06Fixtures';

const run = promisify(execFile);

describe('computeAcceptance (pure comparison)', () => {
  const c06Book = book({ agencyCode: '20335', type: 'birth' }); // commune birth book: c06 path

  it('lists every mismatch of a book with known disagreements', () => {
    const r = compareCounts(
      c06Book,
      { inventoryCases: 10, inventoryPages: 25, pdfs: 9, pages: 23, c06Rows: 10, imported: 8, importFailed: 1 },
      { pdfs: 9, pages: 24 },
    );
    expect(r.ok).toBe(false);
    expect(r.mismatches.map((m) => [m.code, m.expected, m.actual])).toEqual([
      ['pdfsVsInventoryCases', 10, 9],
      ['pagesVsInventoryPages', 25, 24],
      ['manifestPagesVsStatus', 23, 24],
      ['rowsVsPdfs', 9, 10],
      ['importedVsRows', 10, 8],
      ['importFailed', 0, 1],
      ['importUnaccounted', 10, 9],
    ]);
    for (const m of r.mismatches) expect(m.messageVi).toBe(m.messageVi.normalize('NFC'));
    expect(r.mismatches[0]!.messageVi).toContain('số tệp PDF (9) khác số trường hợp khi rà soát (10)');
    expect(r.figures).toMatchObject({ dataStep: 'c06', dataRows: 10, pdfsCounted: 9, pagesCounted: 24 });
  });

  it('accepts a book whose figures all agree', () => {
    const r = compareCounts(c06Book, { inventoryCases: 10, inventoryPages: 25, pdfs: 10, pages: 25, c06Rows: 10, imported: 10, importFailed: 0 }, { pdfs: 10, pages: 25 });
    expect(r).toMatchObject({ ok: true, mismatches: [] });
  });

  it('reports missing figures, and does not ask a manual-entry book for an import', () => {
    const manual = book({ agencyCode: '20335', type: 'guardianship' });
    expect(compareCounts(manual, { inventoryCases: 4, inventoryPages: 4, pdfs: 4, pages: 4, manualEntered: 4 }).ok).toBe(true);
    const r = compareCounts(manual, { pdfs: 4, pages: 4, manualEntered: 3 });
    expect(r.mismatches.map((m) => m.code)).toEqual(['missingInventory', 'rowsVsPdfs']);
    const excel = compareCounts(book({ agencyCode: '502' }), { inventoryCases: 3, inventoryPages: 3, pdfs: 3, pages: 3 });
    expect(excel.mismatches.map((m) => m.code)).toEqual(['missingData', 'missingImport']);
  });
});

describe('computeAcceptance activity (real manifest in a local store)', () => {
  let s: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    s = await tempStore();
  });
  afterAll(() => s.cleanup());

  it('compares against the manifest and stores its findings beside the book', async () => {
    const b = book({ agencyCode: '502', bookNo: '07' });
    const files = await storeBookPackage(s.store, b, [1, 2, 1, 1, 3]); // 5 PDFs, 8 pages
    const { computeAcceptance } = createAcceptanceActivities({ store: s.store });
    const r = await computeAcceptance({
      book: b,
      counts: { inventoryCases: 6, inventoryPages: 8, pdfs: 5, pages: 8, excelRows: 5, imported: 5, importFailed: 0 },
      manifestKey: files.keys.manifest,
    });
    expect(r.mismatches.map((m) => [m.code, m.expected, m.actual])).toEqual([
      ['pdfsVsInventoryCases', 6, 5],
      ['rowsVsInventoryCases', 6, 5],
    ]);
    expect(r.figures.manifest).toMatchObject({ pdfs: 5, pages: 8 });
    const stored = JSON.parse((await s.store.getBuffer(r.reportKey)).toString('utf8'));
    expect(stored.mismatches).toHaveLength(2);

    const missing = await computeAcceptance({ book: b, counts: { inventoryCases: 5, inventoryPages: 8, pdfs: 5, pages: 8, excelRows: 5, imported: 5 }, manifestKey: `${files.keys.manifest}.gone` });
    expect(missing.mismatches.map((m) => m.code)).toEqual(['manifestUnreadable']);
    await expect(computeAcceptance({ book: b, counts: { pdfs: -1 } })).rejects.toMatchObject({ nonRetryable: true, type: 'InvalidAcceptanceInput' });
  });
});

describe('acceptance minutes (biên bản nghiệm thu)', () => {
  it('writes amounts in Vietnamese words', () => {
    expect(vndInWords(10_787_200)).toBe('Mười triệu bảy trăm tám mươi bảy nghìn hai trăm đồng');
    expect(vndInWords(8_093_935_045)).toBe('Tám tỷ không trăm chín mươi ba triệu chín trăm ba mươi lăm nghìn không trăm bốn mươi lăm đồng');
    expect(vndInWords(21_105)).toBe('Hai mươi mốt nghìn một trăm linh năm đồng');
    expect(vndInWords(1_000_000_000_000)).toBe('Một nghìn tỷ đồng');
  });

  const row = (agencyCode: string, agencyName: string, districtCode: string, bookNo: string, f: Partial<MinutesRowInput>): MinutesRowInput => ({
    workflowId: workflowIdFor(book({ agencyCode: agencyCode.length === 2 ? '49' : agencyCode, bookNo })),
    agencyCode,
    agencyName,
    districtCode,
    ...f,
  });
  const rows: MinutesRowInput[] = [
    row('20335', 'UBND phường Tân Thạnh', '502', '01', { cases: 120, pages: 300, pdfs: 120, imported: 120 }),
    row('20335', 'UBND phường Tân Thạnh', '502', '02', { cases: 80, pages: 210, pdfs: 79, imported: 78, mismatches: 3 }),
    row('502', 'Phòng Tư pháp thành phố Tam Kỳ', '502', '01', { cases: 50, pages: 153, pdfs: 50, imported: 50 }),
    row('20398', 'UBND phường Minh An', '503', '01', { cases: 100, pages: 300, pdfs: 100, imported: 100 }),
    row('49', 'Sở Tư pháp tỉnh Quảng Nam', '49', '01', { cases: 10, pages: 25, pdfs: 10, imported: 10 }),
  ];
  const PRICE = 11_200;

  it('adds up per agency, per district and for the province', () => {
    const f = minutesFigures(rows, PRICE, units.districtName);
    expect(f.total).toMatchObject({ books: 5, cases: 360, pages: 988, pdfs: 359, imported: 358, mismatches: 3, booksWithMismatches: 1, amount: 988 * PRICE });
    expect(f.districts.map((d) => [d.line.name, d.line.books, d.line.pages])).toEqual([
      ['Cấp tỉnh', 1, 25],
      ['Thành phố Tam Kỳ', 3, 663],
      ['Thành phố Hội An', 1, 300],
    ]);
    expect(f.districts[1]!.agencies.map((a) => [a.code, a.books, a.amount])).toEqual([
      ['20335', 2, 510 * PRICE],
      ['502', 1, 153 * PRICE],
    ]);
  });

  describe('as a workbook printed by LibreOffice', () => {
    let dir: string;
    let xlsx: Buffer;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sohoa-minutes-'));
      xlsx = await buildAcceptanceMinutes({ province: { code: '49', name: 'Quảng Nam' }, rows, pricePerPage: PRICE, date: '2025-03-12', contractor: 'Công ty TNHH Số hóa Miền Trung', districtName: units.districtName });
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('has a summary sheet and one sheet per district, set up for A4', async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Cấp tỉnh', 'Thành phố Tam Kỳ', 'Thành phố Hội An']);
      for (const ws of wb.worksheets) {
        expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
        expect(ws.pageSetup.printTitlesRow).toMatch(/^\d+:\d+$/);
        expect(ws.getCell('A5').value).toBe(MINUTES_TITLE);
      }
    });

    it('converts to PDF whose text holds the Vietnamese title, legal basis, totals and signature blocks', async () => {
      const file = join(dir, 'bien-ban-nghiem-thu.xlsx');
      await writeFile(file, xlsx);
      // Own profile folder: other LibreOffice processes on the machine do not block this one.
      await run('libreoffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], { timeout: 120_000 });
      await run('pdftotext', ['-layout', join(dir, 'bien-ban-nghiem-thu.pdf'), join(dir, 'out.txt')]);
      const text = (await readFile(join(dir, 'out.txt'), 'utf8')).normalize('NFC');
      expect(text).toContain(MINUTES_TITLE);
      expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(text).toContain('Quảng Nam, ngày 12 tháng 03 năm 2025');
      expect(text).toContain('1959/QĐ-UBND ngày 18/9/2023');
      expect(text).toContain('ĐẠI DIỆN SỞ TƯ PHÁP');
      expect(text).toContain('ĐẠI DIỆN ĐƠN VỊ THỰC HIỆN');
      expect(text).toContain('Tổng cộng');
      expect(text).toContain('Phòng Tư pháp thành phố Tam Kỳ');
      const total = (988 * PRICE).toLocaleString('vi-VN'); // 11.065.600
      expect(total).toBe('11.065.600');
      expect(text.match(new RegExp(total.replace(/\./g, '\\.'), 'g'))!.length).toBeGreaterThanOrEqual(2); // table and summary line
      expect(text).toContain((663 * PRICE).toLocaleString('vi-VN')); // Tam Kỳ's total on its sheet and the summary
      expect(text).toContain('Mười một triệu không trăm sáu mươi lăm nghìn sáu trăm đồng');
      // Four sheets, each fitting one landscape page in width.
      const { stdout } = await run('pdfinfo', [join(dir, 'bien-ban-nghiem-thu.pdf')]);
      expect(Number(/Pages:\s+(\d+)/.exec(stdout)![1])).toBeGreaterThanOrEqual(4);
      expect(stdout).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts/);
    });
  });
});
