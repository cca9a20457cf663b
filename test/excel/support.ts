import ExcelJS from 'exceljs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Book } from '../../domain/book';
import { templateFor, type ExcelTypeCode } from '../../domain/excel';
import { artifactKeys, pdfName } from '../../domain/naming';
import { FsStore } from '../../clients/storage/fs';

/** A store in a fresh temp folder; `cleanup` removes it. */
export async function tempStore() {
  const root = await mkdtemp(join(tmpdir(), 'sohoa-excel-'));
  return { store: new FsStore(root), root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export type Cells = (string | number | Date | null)[];

/** A workbook built cell by cell (the non-streaming writer), e.g. for broken files. */
export async function workbook(sheets: { name: string; rows: Cells[] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    s.rows.forEach((r, i) => {
      ws.getRow(i + 1).values = r;
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Header and rows (records) as a workbook with the template's key order or a given one. */
export async function sheetOf(keys: readonly string[], rows: Record<string, string>[], name = 'KS'): Promise<Buffer> {
  return workbook([{ name, rows: [[...keys], ...rows.map((r) => keys.map((k) => r[k] ?? null))] }]);
}

export const keysOf = (code: ExcelTypeCode) => templateFor(code).columns.map((c) => c.key);

/** A valid KS row for case `i` of a 2017 book 01: registered on day i of February 2017. */
export type Row = Record<string, string> & { so: string; ngayDangKy: string };

export function ksRow(i: number, over: Record<string, string> = {}): Row {
  const dd = String(i).padStart(2, '0');
  return {
    so: String(i).padStart(2, '0'),
    quyenSo: '01/2017',
    ngayDangKy: `${dd}.02.2017`,
    loaiDangKy: '1',
    noiDangKy: 'UBND phường Tân Thạnh',
    nksHoTen: `Nguyễn Văn Số ${i}`,
    nksGioiTinh: String((i % 2) + 1),
    nksNgaySinh: `${dd}.01.2017`,
    nksDanToc: 'Kinh',
    nksQuocTich: 'Việt Nam',
    meHoTen: 'Trần Thị Hoa',
    meNgaySinh: '1990',
    meLoaiCuTru: '1',
    chaHoTen: 'Nguyễn Văn Bình',
    chaNgaySinh: '12.05.1988',
    ...over,
  };
}

/** PDF names (one per row) for rows of a book, from each row's `so` and `ngayDangKy`. */
export function pdfNamesFor(b: Book, rows: { so: string; ngayDangKy: string }[]): string[] {
  return rows.map((r) => {
    const [d, m, y] = r.ngayDangKy.split('.');
    return pdfName({ type: b.type, yearFrom: b.yearFrom, yearTo: b.yearTo, bookNo: b.bookNo, registrationDate: `${y}-${m}-${d}`, caseNo: Number(r.so) });
  });
}

/** Writes a manifest like packageScans does and returns its key. */
export async function putManifest(store: FsStore, b: Book, names: string[]): Promise<string> {
  const key = artifactKeys(b).manifest;
  await store.put(key, JSON.stringify({ files: names.map((name) => ({ name, pages: 2, bytes: 200_000, sha256: '0'.repeat(64) })) }));
  return key;
}

export async function loadWorkbook(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}
