import { PDFDocument, StandardFonts } from 'pdf-lib';
import { buildTemplate, type TemplateRow } from '../activities/excel';
import { intakeScans } from '../activities/scans/intake';
import type { ArtifactStore } from './storage/types';
import type { Book } from '../domain/book';
import { CODE_LISTS, hasTemplate, prefillFromPdfNames, templateFor } from '../domain/excel';
import { artifactKeys, pdfName } from '../domain/naming';

/**
 * Sample deliveries for the demo and the tests: per-case PDFs named by the convention and a
 * complete Excel transcription that matches them. Deterministic for a given book and count.
 */
export function sampleCases(book: Book, cases: number): { caseNo: number; registrationDate: string; name: string }[] {
  return Array.from({ length: cases }, (_, i) => {
    const year = book.yearFrom + Math.floor((i * (book.yearTo - book.yearFrom + 1)) / cases);
    const day = 1 + ((i * 7) % 28);
    const month = 1 + ((i * 5) % 12);
    const registrationDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const caseNo = i + 1;
    return { caseNo, registrationDate, name: pdfName({ ...book, registrationDate, caseNo }) };
  });
}

/** A small real PDF with a line of text per page, with fixed dates so its bytes are stable. */
export async function samplePdf(text: string, pages = 1): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 1; p <= pages; p++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`${text} - trang ${p}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd'), { x: 50, y: 780, size: 14, font });
  }
  const fixed = new Date(Date.UTC(2024, 0, 1));
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  return Buffer.from(await doc.save());
}

/** Stores a contractor's delivery of per-case PDFs for the book; returns the upload prefix. */
export async function uploadSampleScans(store: ArtifactStore, book: Book, cases: number, pagesPerCase = 2): Promise<string> {
  const files = await Promise.all(
    sampleCases(book, cases).map(async (c) => ({ name: c.name, body: await samplePdf(c.name, pagesPerCase) })),
  );
  const r = await intakeScans(store, { book, files, uploadId: 'sample' });
  return r.uploadPrefix;
}

const SAMPLE_NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Em', 'Võ Thị Phương'];

/** The rows of a complete, valid transcription of the sample cases, keyed by template field. */
export function sampleRows(book: Book, cases: number): TemplateRow[] {
  const t = templateFor(book.type);
  if (!hasTemplate(t.typeCode)) throw new Error(`no Excel template for ${book.type}`);
  const { rows } = prefillFromPdfNames(book, sampleCases(book, cases).map((c) => c.name));
  return rows.map((r, i) => {
    const row: TemplateRow = { ...r };
    for (const c of t.columns) {
      if (row[c.key] !== undefined || !c.required) continue;
      if (c.kind === 'code' && c.codeList) row[c.key] = CODE_LISTS[c.codeList].values[0]!.code;
      else if (c.kind === 'date') row[c.key] = r.ngayDangKy;
      else if (c.kind === 'int') row[c.key] = '1';
      else if (/HoTen$/i.test(c.key)) row[c.key] = SAMPLE_NAMES[i % SAMPLE_NAMES.length];
      else if (/DanToc$/i.test(c.key)) row[c.key] = 'Kinh';
      else if (/QuocTich$/i.test(c.key)) row[c.key] = 'Việt Nam';
      else row[c.key] = `${book.agency.name}`;
    }
    return row;
  });
}

/** A complete, valid transcription of the sample cases in the template of the book's type. */
export async function sampleExcel(book: Book, cases: number): Promise<Buffer> {
  return buildTemplate(book.type, sampleRows(book, cases));
}

/**
 * The sample cases as C06 hands them back: upper-case keys, the entering district and commune,
 * dates `dd/mm/yyyy`, semicolon-separated CSV.
 */
export function sampleC06Csv(book: Book, cases: number): Buffer {
  const rows = sampleRows(book, cases);
  const keys = Object.keys(rows[0] ?? {});
  const cell = (v: string | undefined) => (/[;"\n]/.test(v ?? '') ? `"${(v ?? '').replace(/"/g, '""')}"` : (v ?? ''));
  const lines = [
    ['DC_DVNHAPHUYEN', 'DC_DVNHAPXA', ...keys.map((k) => k.toUpperCase())].join(';'),
    ...rows.map((r) =>
      [book.agency.districtCode, book.agency.code, ...keys.map((k) => cell(r[k]?.replace(/^(\d{2})\.(\d{2})\.(\d{4})$/, '$1/$2/$3')))].join(';'),
    ),
  ];
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

/** Stores the sample transcription where the API would put an upload; returns its key. */
export async function uploadSampleExcel(store: ArtifactStore, book: Book, cases: number): Promise<string> {
  const key = `${artifactKeys(book).prefix}/excel/sample.xlsx`;
  await store.put(key, await sampleExcel(book, cases), { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  return key;
}
