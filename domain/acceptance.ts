import { z } from 'zod';
import type { Book } from './book';
import type { Counts } from './bookState';
import { dataStepFor, type DataStep } from './plan';

/**
 * Acceptance (nghiệm thu) of one book: every count that should agree is compared, and every
 * disagreement is listed; nothing is "fixed". One PDF per registered case (Công văn 1437/BTP-CNTT),
 * one data row per case, and every row imported.
 */

/** PDFs and pages as the scan manifest lists them. */
export interface ManifestFigures {
  pdfs: number;
  pages: number;
  bytes?: number;
}

/**
 * Reads the figures of a scan manifest, tolerant of its exact shape: an array of files under
 * `files`, `pdfs` or `entries` (each with `pages`), or totals (`pdfCount`/`pageCount`, `totals`).
 */
export function manifestFigures(manifest: unknown): ManifestFigures | undefined {
  if (manifest === null || typeof manifest !== 'object') return undefined;
  const m = manifest as Record<string, unknown>;
  const list = [m.files, m.pdfs, m.entries].find(Array.isArray) as Array<Record<string, unknown>> | undefined;
  if (list) {
    let pages = 0;
    let bytes = 0;
    for (const f of list) {
      pages += typeof f?.pages === 'number' ? f.pages : 0;
      bytes += typeof f?.bytes === 'number' ? f.bytes : 0;
    }
    return { pdfs: list.length, pages, bytes };
  }
  const totals = (typeof m.totals === 'object' && m.totals !== null ? m.totals : m) as Record<string, unknown>;
  const num = (...ks: string[]) => ks.map((k) => totals[k]).find((v): v is number => typeof v === 'number');
  const pdfs = num('pdfCount', 'pdfs', 'files');
  const pages = num('pageCount', 'pages');
  if (pdfs === undefined || pages === undefined) return undefined;
  return { pdfs, pages, bytes: num('bytes', 'totalBytes') };
}

export const MISMATCH_CODES = [
  'missingInventory',
  'missingScans',
  'missingData',
  'missingImport',
  'manifestUnreadable',
  'pdfsVsInventoryCases',
  'pagesVsInventoryPages',
  'manifestPdfsVsStatus',
  'manifestPagesVsStatus',
  'rowsVsInventoryCases',
  'rowsVsPdfs',
  'importedVsRows',
  'importFailed',
  'importUnaccounted',
] as const;
export type MismatchCode = (typeof MISMATCH_CODES)[number];

export interface Mismatch {
  code: MismatchCode;
  messageVi: string;
  expected: number | null;
  actual: number | null;
}

export interface AcceptanceFigures extends Counts {
  dataStep: DataStep;
  /** Rows of the data step: Excel rows, C06 rows or records entered by hand. */
  dataRows?: number;
  /** PDFs and pages used for the comparison: the manifest's when given, else the status counts. */
  pdfsCounted?: number;
  pagesCounted?: number;
  manifest?: ManifestFigures;
}

export interface AcceptanceResult {
  ok: boolean;
  mismatches: Mismatch[];
  figures: AcceptanceFigures;
}

const DATA_LABEL: Record<DataStep, string> = {
  excel: 'số dòng Excel',
  c06: 'số dòng dữ liệu C06',
  manualEntry: 'số hồ sơ đã nhập trực tiếp',
};

/**
 * Compares the counts of a book. `manifest` is the scan manifest's figures when it could be read,
 * `null` when a manifest key was given but could not be read, undefined when none was given.
 */
export function compareCounts(book: Pick<Book, 'type' | 'agency'>, counts: Counts, manifest?: ManifestFigures | null): AcceptanceResult {
  const dataStep = dataStepFor(book.type, book.agency.level);
  const dataRows = dataStep === 'excel' ? counts.excelRows : dataStep === 'c06' ? counts.c06Rows : counts.manualEntered;
  const pdfs = manifest?.pdfs ?? counts.pdfs;
  const pages = manifest?.pages ?? counts.pages;
  const out: Mismatch[] = [];
  const add = (code: MismatchCode, messageVi: string, expected: number | null | undefined, actual: number | null | undefined) =>
    out.push({ code, messageVi, expected: expected ?? null, actual: actual ?? null });
  const differ = (a: number | undefined, b: number | undefined): a is number => a !== undefined && b !== undefined && a !== b;

  if (counts.inventoryCases === undefined || counts.inventoryPages === undefined) {
    add('missingInventory', 'thiếu số liệu rà soát (số trường hợp và số trang của sổ)', null, null);
  }
  if (manifest === null) add('manifestUnreadable', 'không đọc được bảng kê (manifest) của bản quét', null, null);
  if (pdfs === undefined || pages === undefined) add('missingScans', 'thiếu số liệu bản quét (số tệp PDF, số trang)', null, null);
  if (dataRows === undefined) add('missingData', `thiếu ${DATA_LABEL[dataStep]}`, null, null);
  if (dataStep !== 'manualEntry' && counts.imported === undefined) {
    add('missingImport', 'chưa có số bản ghi đã nhập vào CSDLHTĐT', null, null);
  }

  if (differ(pdfs, counts.inventoryCases)) {
    add('pdfsVsInventoryCases', `số tệp PDF (${pdfs}) khác số trường hợp khi rà soát (${counts.inventoryCases}); mỗi trường hợp một tệp PDF`, counts.inventoryCases, pdfs);
  }
  if (differ(pages, counts.inventoryPages)) {
    add('pagesVsInventoryPages', `số trang quét (${pages}) khác số trang khi rà soát (${counts.inventoryPages})`, counts.inventoryPages, pages);
  }
  if (manifest && differ(manifest.pdfs, counts.pdfs)) {
    add('manifestPdfsVsStatus', `bảng kê có ${manifest.pdfs} tệp PDF, trạng thái sổ ghi ${counts.pdfs}`, counts.pdfs, manifest.pdfs);
  }
  if (manifest && differ(manifest.pages, counts.pages)) {
    add('manifestPagesVsStatus', `bảng kê có ${manifest.pages} trang, trạng thái sổ ghi ${counts.pages}`, counts.pages, manifest.pages);
  }
  if (differ(dataRows, counts.inventoryCases)) {
    add('rowsVsInventoryCases', `${DATA_LABEL[dataStep]} (${dataRows}) khác số trường hợp khi rà soát (${counts.inventoryCases})`, counts.inventoryCases, dataRows);
  }
  if (differ(dataRows, pdfs)) {
    add('rowsVsPdfs', `${DATA_LABEL[dataStep]} (${dataRows}) khác số tệp PDF (${pdfs})`, pdfs, dataRows);
  }
  if (dataStep !== 'manualEntry') {
    if (differ(counts.imported, dataRows)) {
      add('importedVsRows', `số bản ghi đã nhập CSDLHTĐT (${counts.imported}) khác ${DATA_LABEL[dataStep]} (${dataRows})`, dataRows, counts.imported);
    }
    if ((counts.importFailed ?? 0) > 0) {
      add('importFailed', `${counts.importFailed} bản ghi nhập CSDLHTĐT không thành công`, 0, counts.importFailed);
    }
    if (counts.imported !== undefined && dataRows !== undefined && counts.imported + (counts.importFailed ?? 0) !== dataRows) {
      const total = counts.imported + (counts.importFailed ?? 0);
      add('importUnaccounted', `đã nhập ${counts.imported} + lỗi ${counts.importFailed ?? 0} = ${total}, không khớp ${DATA_LABEL[dataStep]} (${dataRows})`, dataRows, total);
    }
  }

  return {
    ok: out.length === 0,
    mismatches: out,
    figures: { ...counts, dataStep, dataRows, pdfsCounted: pdfs, pagesCounted: pages, ...(manifest ? { manifest } : {}) },
  };
}

// ---------------------------------------------------------------------------------------------
// Acceptance minutes (biên bản nghiệm thu): figures per agency and per district.

/** One book's figures as the API reads them from visibility (memo counts + search attributes). */
export const minutesRowSchema = z.object({
  workflowId: z.string().min(1),
  agencyCode: z.string().min(2),
  agencyName: z.string().min(1),
  districtCode: z.string().min(2),
  /** Defaults to the reference list's name of the district. */
  districtName: z.string().optional(),
  cases: z.number().int().min(0).default(0),
  /** Scanned pages: what the contractor is paid for. */
  pages: z.number().int().min(0).default(0),
  pdfs: z.number().int().min(0).default(0),
  imported: z.number().int().min(0).default(0),
  /** Mismatches listed by computeAcceptance for this book. */
  mismatches: z.number().int().min(0).default(0),
});
export type MinutesRow = z.output<typeof minutesRowSchema>;
export type MinutesRowInput = z.input<typeof minutesRowSchema>;

export interface MinutesLine {
  code: string;
  name: string;
  books: number;
  cases: number;
  pages: number;
  pdfs: number;
  imported: number;
  mismatches: number;
  booksWithMismatches: number;
  amount: number;
}

export interface MinutesFigures {
  pricePerPage: number;
  districts: { line: MinutesLine; agencies: MinutesLine[] }[];
  total: MinutesLine;
}

const emptyLine = (code: string, name: string): MinutesLine => ({ code, name, books: 0, cases: 0, pages: 0, pdfs: 0, imported: 0, mismatches: 0, booksWithMismatches: 0, amount: 0 });

function addTo(l: MinutesLine, r: MinutesRow, price: number) {
  l.books++;
  l.cases += r.cases;
  l.pages += r.pages;
  l.pdfs += r.pdfs;
  l.imported += r.imported;
  l.mismatches += r.mismatches;
  if (r.mismatches > 0) l.booksWithMismatches++;
  l.amount += r.pages * price;
}

/** Totals per agency, per district and for the province; districts and agencies ordered by code. */
export function minutesFigures(rows: readonly MinutesRowInput[], pricePerPage: number, districtNameOf: (code: string) => string): MinutesFigures {
  const total = emptyLine('', 'Tổng cộng');
  const districts = new Map<string, { line: MinutesLine; agencies: Map<string, MinutesLine> }>();
  for (const input of rows) {
    const r = minutesRowSchema.parse(input);
    let d = districts.get(r.districtCode);
    if (!d) districts.set(r.districtCode, (d = { line: emptyLine(r.districtCode, r.districtName ?? districtNameOf(r.districtCode)), agencies: new Map() }));
    let a = d.agencies.get(r.agencyCode);
    if (!a) d.agencies.set(r.agencyCode, (a = emptyLine(r.agencyCode, r.agencyName)));
    addTo(a, r, pricePerPage);
    addTo(d.line, r, pricePerPage);
    addTo(total, r, pricePerPage);
  }
  return {
    pricePerPage,
    total,
    districts: [...districts.values()]
      .sort((a, b) => a.line.code.localeCompare(b.line.code))
      .map((d) => ({ line: d.line, agencies: [...d.agencies.values()].sort((a, b) => a.code.localeCompare(b.code)) })),
  };
}

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];
const GROUPS = ['', 'nghìn', 'triệu', 'tỷ'];

function readTriple(n: number, full: boolean): string {
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  const out: string[] = [];
  if (full || h > 0) out.push(DIGITS[h]!, 'trăm');
  if (t === 0) {
    if (u > 0 && (full || h > 0)) out.push('linh');
  } else if (t === 1) out.push('mười');
  else out.push(DIGITS[t]!, 'mươi');
  if (u > 0) {
    if (u === 1 && t >= 2) out.push('mốt');
    else if (u === 5 && t >= 1) out.push('lăm');
    else if (u === 4 && t >= 2) out.push('tư');
    else out.push(DIGITS[u]!);
  }
  return out.join(' ');
}

/** An amount in Vietnamese words, as written on payment documents: "Mười triệu bảy trăm … đồng". */
export function vndInWords(amount: number): string {
  let n = Math.round(Math.abs(amount));
  if (n === 0) return 'Không đồng';
  const groups: number[] = [];
  while (n > 0) {
    groups.push(n % 1000);
    n = Math.floor(n / 1000);
  }
  const words: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!;
    if (g === 0) {
      // "tỷ" is said even when its group is empty above it (1.000.000.000.000 = một nghìn tỷ).
      if (i % 3 === 0 && i > 0 && groups.slice(i + 1).some((x) => x > 0) && i / 3 >= 1 && words.at(-1) !== 'tỷ') words.push('tỷ');
      continue;
    }
    words.push(readTriple(g, i < groups.length - 1));
    const unit = i === 0 ? '' : i % 3 === 0 ? 'tỷ' : GROUPS[i % 3]!;
    if (unit) words.push(unit);
  }
  const s = `${words.join(' ')} đồng`.replace(/\s+/g, ' ');
  return (amount < 0 ? 'Âm ' : '') + s.charAt(0).toUpperCase() + s.slice(1);
}
