import ExcelJS from 'exceljs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsStore } from '../../clients/storage/fs';
import { bookSchema, workflowIdFor, type Book } from '../../domain/book';
import type { CandidateBook } from '../../domain/c06';
import { book } from '../support/fixtures';

/** A real local store in a temp folder, removed by `cleanup`. */
export async function tempStore(): Promise<{ store: FsStore; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-data-'));
  return { store: new FsStore(join(dir, 'artifacts')), dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const cand = (b: Book): CandidateBook => ({ workflowId: workflowIdFor(b), book: b });

/** Commune books waiting for C06 data: Tân Thạnh (20335, Tam Kỳ) KS 01 and 02/2017, Hòa Hương KT 01/2005, Minh An KS 01/2018, and a second "Tân Thạnh" in another district. */
export const books = {
  ksTanThanh01: book({ agencyCode: '20335', type: 'birth', bookNo: '01', yearFrom: 2017, yearTo: 2017 }),
  ksTanThanh02: book({ agencyCode: '20335', type: 'birth', bookNo: '02', yearFrom: 2017, yearTo: 2017 }),
  ktHoaHuong01: book({ agencyCode: '20344', type: 'death', bookNo: '01', yearFrom: 2005, yearTo: 2005 }),
  ksMinhAn01: book({ agencyCode: '20398', type: 'birth', bookNo: '01', yearFrom: 2018, yearTo: 2018 }),
  // Same commune name in another district (Hội An): only the district or the code tells them apart.
  ksOtherTanThanh01: bookSchema.parse({
    agency: { code: '20300', name: 'UBND xã Tân Thạnh', level: 'commune', districtCode: '503', provinceCode: '49' },
    type: 'birth',
    bookNo: '01',
    yearFrom: 2017,
    yearTo: 2017,
  }),
};
export const candidates: CandidateBook[] = Object.values(books).map(cand);
export const wf = (b: Book) => workflowIdFor(b);

const KS_HEADER = ['DC_DVNHAPHUYEN', 'DC_DVNHAPXA', 'SO', 'QUYENSO', 'TRANGSO', 'NGAYDANGKY', 'LOAIDANGKY', 'NKSHOTEN', 'NKSGIOITINH', 'NKSNGAYSINH', 'MEHOTEN', 'CHAHOTEN'];

/** A dirty KS batch as C06 hands it back (semicolon CSV, dd/mm/yyyy), one comment per row. */
export const KS_ROWS: string[][] = [
  // row 2: clean → Tân Thạnh 01/2017
  ['502', '20335', '05', '01/2017', '3', '03/02/2017', '1', 'Nguyễn Văn An', '1', '01/01/2017', 'Lê Thị Hoa', 'Nguyễn Văn Bình'],
  // row 3: names instead of codes, 1/2017, missing type, label for sex → Tân Thạnh 01/2017
  ['Tam Kỳ', 'Phường Tân Thạnh', '06', '1/2017', '3', '4/2/2017', '', 'Trần  Thị Bé', 'Nữ', '28/01/2017', 'Phạm Thị Cúc', ''],
  // row 4: → Tân Thạnh 02/2017
  ['502', '20335', '01', '02/2017', '1', '10/06/2017', '1', 'Võ Văn Cường', '1', '02/06/2017', 'Đỗ Thị Dung', 'Võ Văn Em'],
  // row 5: impossible year in the book number → flagged, unmatched
  ['502', '20335', '07', '01/5017', '4', '11/02/2017', '1', 'Lý Thị Giang', '2', '05/02/2017', '', ''],
  // row 6: missing registration date → flagged, still Tân Thạnh 01/2017 by its book number
  ['502', '20335', '08', '01/2017', '4', '', '1', 'Mai Văn Hùng', '1', '07/02/2017', '', ''],
  // row 7: impossible year in the date → flagged with a hint, never changed; matched by its book number
  ['502', '20335', '09', '01/2017', '5', '12/03/5005', '1', 'Hồ Thị Lan', '2', '01/03/2017', '', ''],
  // row 8: Minh An has no book 03/2018 waiting → unmatched
  ['503', '20398', '01', '03/2018', '1', '02/01/2018', '1', 'Phan Văn Minh', '1', '01/01/2018', '', ''],
  // row 9: "Tân Thạnh" without district: two communes of that name → ambiguous
  ['', 'Tân Thạnh', '10', '01/2017', '5', '15/03/2017', '1', 'Tạ Văn Nam', '1', '10/03/2017', '', ''],
  // row 10: commune with no book waiting → unmatched
  ['506', '20500', '01', '01/2017', '1', '02/01/2017', '1', 'Cao Thị Oanh', '2', '01/01/2017', '', ''],
];

const csvField = (s: string) => (/[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
export function ksCsv(): Buffer {
  const lines = [KS_HEADER, ...KS_ROWS].map((r) => r.map(csvField).join(';'));
  return Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8');
}

/** The same batch as an xlsx, with real date cells where Excel users would have them. */
export async function ksXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(KS_HEADER);
  for (const r of KS_ROWS) {
    const cells: (string | number | Date)[] = r.map((v, i) => {
      const key = KS_HEADER[i]!;
      const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
      if ((key === 'NGAYDANGKY' || key === 'NKSNGAYSINH') && m && Number(m[3]) < 3000) return new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])));
      if (key === 'SO' && /^\d+$/.test(v)) return Number(v);
      return v;
    });
    const row = ws.addRow(cells);
    row.eachCell((c) => {
      if (c.value instanceof Date) c.numFmt = 'dd/mm/yyyy';
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A KT batch (xlsx) with a per-row type column, old tone placement in a commune name, a missing type. */
export async function ktXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('C06');
  ws.addRow(['LOAISO', 'DC_DVNHAPHUYEN', 'DC_DVNHAPXA', 'SO', 'QUYENSO', 'NGAYDANGKY', 'LOAIDANGKY', 'NKTHOTEN', 'NKTGIOITINH', 'NKTNGAYCHET']);
  ws.addRow(['KT', '502', 'Phường Hoà Hương', 1, '01/2005', new Date(Date.UTC(2005, 2, 12)), '', 'Nguyễn Văn Phúc', '1', new Date(Date.UTC(2005, 2, 10))]);
  ws.addRow(['KT', 'Thành phố Tam Kỳ', 'Hòa Hương', 2, '01/2005', '14/3/2005', '1', 'Trần Văn Quang', 1, '12/03/2005']);
  ws.getColumn(6).numFmt = 'dd/mm/yyyy';
  ws.getColumn(10).numFmt = 'dd/mm/yyyy';
  return Buffer.from(await wb.xlsx.writeBuffer());
}
