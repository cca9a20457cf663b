import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTemplate } from '../../activities/excel/template';
import { createExcelActivities } from '../../activities/excel';
import { CODE_LISTS, excelTypeCodes, GUIDE_SHEET_NAME, prefillFromPdfNames, TEMPLATES, templateFor, type ExcelTypeCode } from '../../domain/excel';
import { artifactKeys } from '../../domain/naming';
import { book } from '../support/fixtures';
import { ksRow, loadWorkbook, pdfNamesFor, putManifest, tempStore } from './support';

const EXPECTED_COLUMNS: Record<ExcelTypeCode, number> = { KS: 60, KH: 44, KT: 48, HN: 35, CMC: 50, NCN: 58 };

describe('Excel templates', () => {
  it.each(excelTypeCodes)('%s opens and round-trips: header keys, drop-downs, date hints, guide sheet', async (code) => {
    const t = TEMPLATES[code];
    const wb = await loadWorkbook(await buildTemplate(code));
    expect(wb.worksheets.map((w) => w.name)).toEqual([code, GUIDE_SHEET_NAME]);

    const data = wb.worksheets[0]!;
    const header = (data.getRow(1).values as unknown[]).slice(1);
    expect(header).toHaveLength(EXPECTED_COLUMNS[code]);
    expect(header).toEqual(t.columns.map((c) => c.key));
    expect(data.rowCount).toBe(1);

    t.columns.forEach((c, i) => {
      const cell = data.getRow(2).getCell(i + 1);
      const far = data.getRow(4000).getCell(i + 1);
      if (c.kind === 'code') {
        const codes = CODE_LISTS[c.codeList!].values.map((v) => v.code).join(',');
        expect(cell.dataValidation, c.key).toMatchObject({ type: 'list', formulae: [`"${codes}"`], showErrorMessage: true });
        expect(far.dataValidation?.type, c.key).toBe('list');
      } else if (c.kind === 'date') {
        expect(cell.dataValidation?.prompt, c.key).toContain('dd.mm.yyyy');
      } else expect(cell.dataValidation, c.key).toBeUndefined();
      // The header cell explains the column in Vietnamese.
      expect(String(data.getRow(1).getCell(i + 1).note), c.key).toContain(c.labelVi);
    });

    const guide = wb.getWorksheet(GUIDE_SHEET_NAME)!;
    const texts: string[] = [];
    guide.eachRow((r) => texts.push((r.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v))).join('|')));
    for (const c of t.columns) expect(texts.some((l) => l.includes(`|${c.key}|${c.labelVi}|`)), c.key).toBe(true);
    for (const c of t.columns.filter((c) => c.kind === 'date')) expect(texts.find((l) => l.includes(`|${c.key}|`))).toContain('dd.mm.yyyy');
    for (const id of new Set(t.columns.flatMap((c) => (c.codeList ? [c.codeList] : []))))
      for (const v of CODE_LISTS[id].values) expect(texts.some((l) => l.includes(`|${v.code}|${v.labelVi}`)), `${id} ${v.code}`).toBe(true);
    const own = texts[1]!;
    if (t.source === 'project') expect(own).toContain('dự án tự thiết kế');
    else expect(own).not.toContain('dự án tự thiết kế');
  });

  it('every column list and code list is in one place with its source', () => {
    expect(Object.values(TEMPLATES).filter((t) => t.source === 'project').map((t) => t.typeCode)).toEqual(['NCN']);
    expect(CODE_LISTS.gioiTinh.values.map((v) => v.labelVi)).toEqual(['Nam', 'Nữ', 'Không xác định']);
    expect(templateFor('birth')).toBe(TEMPLATES.KS);
    expect(() => templateFor('guardianship')).toThrow(/không có mẫu Excel/);
  });

  describe('pre-filled from the PDF names', () => {
    let env: Awaited<ReturnType<typeof tempStore>>;
    beforeAll(async () => {
      env = await tempStore();
    });
    afterAll(() => env.cleanup());

    it('carries case numbers, book number and registration dates, and only names are left to type', async () => {
      const b = book();
      const rows = [3, 1, 2].map((i) => ksRow(i));
      const names = pdfNamesFor(b, rows);
      const { rows: prefill, rejected } = prefillFromPdfNames(b, [...names, 'scan-0001.jpg']);
      expect(rejected).toEqual(['scan-0001.jpg']);
      expect(prefill).toEqual([
        { so: '01', quyenSo: '01/2017', ngayDangKy: '01.02.2017' },
        { so: '02', quyenSo: '01/2017', ngayDangKy: '02.02.2017' },
        { so: '03', quyenSo: '01/2017', ngayDangKy: '03.02.2017' },
      ]);

      const buf = await buildTemplate('birth', prefill);
      const data = (await loadWorkbook(buf)).worksheets[0]!;
      expect((data.getRow(2).values as unknown[]).slice(1, 5)).toEqual(['01', '01/2017', undefined, '01.02.2017']);
      expect(data.rowCount).toBe(4);

      // As uploaded untouched: the header and the PDFs agree, only the required fields are missing.
      const key = artifactKeys(b).excel;
      await env.store.put(key, buf);
      const manifestKey = await putManifest(env.store, b, names);
      const v = await createExcelActivities({ store: env.store }).validateExcel({ book: b, excelKey: key, manifestKey });
      expect(v.ok).toBe(false);
      expect(v.rows).toBe(3);
      expect(v.problemsByCode).toEqual({ required: 9 });
      expect(new Set(v.sample.map((p) => p.column))).toEqual(new Set(['nksHoTen', 'nksGioiTinh', 'nksNgaySinh']));
    });
  });
});
