import * as archiverModule from 'archiver';
import type { Archiver, ArchiverOptions } from 'archiver';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { buildTemplate } from '../../activities/excel/template';
import type { ArtifactStore } from '../../clients/storage/types';
import type { Book } from '../../domain/book';
import { artifactKeys, bookPrefix, pdfName, zipName } from '../../domain/naming';

// archiver 7 is CommonJS; the installed types describe v8.
const archiver = ((archiverModule as unknown as { default?: unknown }).default ?? archiverModule) as (format: 'zip', options: ArchiverOptions) => Archiver;

async function casePdf(title: string, pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`${title} p${i + 1}`, { x: 50, y: 780, size: 14, font });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/**
 * A book's validated files as the earlier steps leave them: one PDF per case (pages as given),
 * the zip of the PDFs, the manifest (same shape as packageScans writes) and the Excel, one row per case.
 */
export async function storeBookPackage(store: ArtifactStore, book: Book, pagesPerCase: number[], opts: { excelRows?: number } = {}) {
  const keys = artifactKeys(book);
  const files = [];
  const zipOut = new PassThrough();
  const zip = archiver('zip', { store: true });
  zip.pipe(zipOut);
  const zipPut = store.put(keys.zip, zipOut);
  for (const [i, pages] of pagesPerCase.entries()) {
    const caseNo = i + 1;
    const date = `${book.yearFrom}-02-${String(caseNo).padStart(2, '0')}`;
    const name = pdfName({ type: book.type, yearFrom: book.yearFrom, yearTo: book.yearTo, bookNo: book.bookNo, registrationDate: date, caseNo });
    const buf = await casePdf(name, pages);
    zip.append(buf, { name, date: new Date(0) });
    const key = `${keys.pdfs}/${name}`;
    await store.put(key, buf);
    files.push({ name, caseNo, key, pages, bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex'), from: 'pdf' as const });
  }
  await zip.finalize();
  const zipObj = await zipPut;
  const manifest = {
    format: 'sohoa.scans/1',
    book: { agencyCode: book.agency.code, type: book.type, typeCode: 'KS', bookNo: book.bookNo, yearFrom: book.yearFrom, yearTo: book.yearTo, stem: bookPrefix(book) },
    uploadPrefix: keys.uploads,
    expectedCases: pagesPerCase.length,
    zip: { ...zipObj, name: zipName(book) },
    checksums: { key: keys.checksums, bytes: 0, sha256: '0'.repeat(64) },
    totals: { pdfs: files.length, pages: files.reduce((a, f) => a + f.pages, 0), bytes: files.reduce((a, f) => a + f.bytes, 0), files: files.length },
    files,
  };
  const manifestObj = await store.put(keys.manifest, JSON.stringify(manifest, null, 2));
  const rows = Array.from({ length: opts.excelRows ?? pagesPerCase.length }, (_, i) => ({
    so: String(i + 1).padStart(2, '0'),
    quyenSo: `${book.bookNo}/${book.yearFrom}`,
    ngayDangKy: `${String(i + 1).padStart(2, '0')}.02.${book.yearFrom}`,
    loaiDangKy: '1',
    nksHoTen: `Nguyễn Văn Số ${i + 1}`,
    nksGioiTinh: '1',
    nksNgaySinh: `01.01.${book.yearFrom}`,
  }));
  const excelObj = await store.put(keys.excel, await buildTemplate(book.type, rows));
  return { keys, zip: zipObj, manifest: manifestObj, excel: excelObj, records: rows.length, pages: manifest.totals.pages };
}
