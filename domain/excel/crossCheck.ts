import { parsePdfName } from '../naming';
import { isoToVi, parseDateVi, parseSo } from './values';
import { columnLetter, type Problem } from './problems';

/**
 * Rows against the book's PDFs: one PDF per registered case (Công văn 1437/BTP-CNTT), one row per
 * case. A case is identified by its number and its year of registration (numbers restart each year
 * in a book over several years); its registration date must agree with the PDF's name.
 */
export interface ManifestFile {
  name: string;
  pages?: number;
  bytes?: number;
  sha256?: string;
}

/** Files of a scan manifest, tolerant of its exact shape (`files`, `pdfs` or `entries`; `name`, `key` or `path`). */
export function manifestFiles(manifest: unknown): ManifestFile[] | undefined {
  if (manifest === null || typeof manifest !== 'object') return undefined;
  const m = manifest as Record<string, unknown>;
  const list = [m.files, m.pdfs, m.entries].find(Array.isArray) as unknown[] | undefined;
  if (!list) return undefined;
  const out: ManifestFile[] = [];
  for (const f of list) {
    if (typeof f === 'string') out.push({ name: f });
    else if (f && typeof f === 'object') {
      const r = f as Record<string, unknown>;
      const name = [r.name, r.key, r.path].find((v): v is string => typeof v === 'string');
      if (name) out.push({ name, pages: typeof r.pages === 'number' ? r.pages : undefined });
    }
  }
  return out;
}

interface Seen {
  row: number;
  iso: string;
}

/** Numeric key (year, case number): no string per row in a 50,000-row book. */
const caseKey = (year: number, caseNo: number) => year * 1_000_000 + caseNo;
const splitKey = (k: number) => [Math.floor(k / 1_000_000), k % 1_000_000] as const;

export class CaseIndex {
  private readonly rows = new Map<number, Seen>();
  /** Case numbers of rows whose number or date was already reported invalid: no PDF is reported against them. */
  private readonly flagged = new Set<number>();

  constructor(
    private readonly sheet: string,
    /** 1-based column numbers of `so` and `ngayDangKy`, for cell references. */
    private readonly soCol: number | undefined,
    private readonly dateCol: number | undefined,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** Records a row's case; returns a duplicate problem when the case was already seen. Invalid values are skipped (reported elsewhere). */
  add(row: number, so: string, ngayDangKy: string): Problem | undefined {
    const s = parseSo(so);
    const d = parseDateVi(ngayDangKy);
    if (!s || !d.ok) return undefined;
    const year = s.year ?? d.year;
    const key = caseKey(year, s.caseNo);
    const first = this.rows.get(key);
    if (first) {
      return {
        sheet: this.sheet,
        row,
        column: 'so',
        cell: this.soCol ? `${columnLetter(this.soCol)}${row}` : undefined,
        value: so,
        code: 'duplicateCase',
        messageVi: `Trường hợp số ${so} năm ${year} đã có ở dòng ${first.row}: mỗi trường hợp chỉ một dòng.`,
        messageEn: `Case ${so} of ${year} already appears in row ${first.row}.`,
      };
    }
    this.rows.set(key, { row, iso: d.iso });
    return undefined;
  }

  /**
   * A row whose case number or registration date was already reported (bad date, year outside the
   * book…): it is not matched to a PDF, and a PDF of its case number is not reported as without a row.
   */
  flag(so: string): void {
    const s = parseSo(so);
    if (s) this.flagged.add(s.caseNo);
  }

  /** Rows without a PDF, PDFs without a row, and dates that disagree. */
  compare(files: readonly ManifestFile[]): Problem[] {
    const problems: Problem[] = [];
    const matched = new Set<number>();
    for (const f of files) {
      const base = f.name.split('/').pop() ?? f.name;
      const p = parsePdfName(base);
      if (!p.ok) continue; // naming is the scans step's check
      const year = Number(p.value.registrationDate.slice(0, 4));
      const key = caseKey(year, p.value.caseNo);
      const seen = this.rows.get(key);
      if (!seen) {
        if (this.flagged.has(p.value.caseNo)) continue;
        problems.push({
          sheet: this.sheet,
          code: 'pdfWithoutRow',
          value: base,
          messageVi: `Tệp ${base} (số ${p.value.caseNo}, ngày ${isoToVi(p.value.registrationDate)}) không có dòng nào trong Excel.`,
          messageEn: `PDF ${base} has no row in the workbook.`,
        });
        continue;
      }
      matched.add(key);
      if (seen.iso !== p.value.registrationDate) {
        problems.push({
          sheet: this.sheet,
          row: seen.row,
          column: 'ngayDangKy',
          cell: this.dateCol ? `${columnLetter(this.dateCol)}${seen.row}` : undefined,
          value: isoToVi(seen.iso),
          code: 'dateMismatchPdf',
          messageVi: `Ngày đăng ký ${isoToVi(seen.iso)} khác ngày trong tên tệp ${base} (${isoToVi(p.value.registrationDate)}).`,
          messageEn: `Registration date ${isoToVi(seen.iso)} differs from the PDF ${base}.`,
        });
      }
    }
    const orphans = [...this.rows.entries()].filter(([k]) => !matched.has(k)).sort((a, b) => a[1].row - b[1].row);
    for (const [k, seen] of orphans) {
      const [year, caseNo] = splitKey(k);
      problems.push({
        sheet: this.sheet,
        row: seen.row,
        column: 'so',
        cell: this.soCol ? `${columnLetter(this.soCol)}${seen.row}` : undefined,
        value: String(caseNo),
        code: 'rowWithoutPdf',
        messageVi: `Dòng ${seen.row} (số ${caseNo} năm ${year}) không có tệp PDF tương ứng trong bản quét.`,
        messageEn: `Row ${seen.row} (case ${caseNo} of ${year}) has no PDF in the scans.`,
      });
    }
    return problems;
  }
}
