import type { Book } from './book';
import { QUANG_NAM_DISTRICTS, districtName } from './data/quangNam';
import { CODE_LISTS } from './excel/codes';
import { columnByKey, templateFor, TEMPLATES, type ColumnSpec, type TemplateSpec } from './excel/columns';
import { cleanText, dateToVi, normalizeBookNo } from './excel/values';
import { bookPrefix, bookStem } from './naming';
import { LAST_PLAN_YEAR } from './periods';
import { REGISTER_TYPES, typeCode, typeFromCode, type RegisterType } from './registerTypes';

/**
 * Data handed back by C06 (Quy trình 1292/HTQTCT-QLHC, as reported; ../shared/domain.md): rows
 * carry the entering district and commune (`DC_DVNHAPHUYEN`, `DC_DVNHAPXA`, codes or names) and
 * the template's field keys in upper case (`SO, QUYENSO, NGAYDANGKY, …`), dates `dd/mm/yyyy`.
 * These rules bring a row to the template's form and report EVERY change; doubtful values (an
 * impossible year such as 5005, a missing date) are flagged for review and left as they are.
 */

export const C06_DISTRICT_KEY = 'DC_DVNHAPHUYEN';
export const C06_COMMUNE_KEY = 'DC_DVNHAPXA';
/** Our assumption: a batch mixing types names each row's type (KS/KH/KT/NCN or the book's name). */
export const C06_TYPE_KEYS = ['LOAISO', 'LOAI_SO', 'MALOAISO'] as const;
/** Register types C06 typed in (the commune books of birth, marriage, death, adoption). */
export const C06_TYPES: readonly RegisterType[] = ['birth', 'marriage', 'death', 'adoption'];

export type C06Cell = string | number | boolean | Date | null | undefined;

export const c06CorrectionCodes = [
  'text', // whitespace or Unicode form
  'dateFormat', // dd/mm/yyyy, Excel date cell or serial → dd.mm.yyyy
  'quyenSoFormat',
  'quyenSoYearFromDate',
  'codeFormat', // 01 → 1, label → code
  'registrationTypeDefault', // missing loaiDangKy → "không xác định"
  'registrationTypeMissing',
  'registrationDateMissing',
  'impossibleYear',
  'unrealDate',
  'unreadableDate',
  'outsidePlanYears',
  'yearMismatch',
  'unknownCode',
  'bookInferred',
] as const;
export type C06CorrectionCode = (typeof c06CorrectionCodes)[number];

/** One change or flag on one cell; `kind: 'flagged'` leaves the value as it was (`from === to`). */
export interface C06Correction {
  row: number;
  field: string;
  from: string;
  to: string;
  kind: 'corrected' | 'flagged';
  code: C06CorrectionCode;
  note: string;
}

/** A row brought to the template's form, with what matching needs. */
export interface C06Row {
  /** Spreadsheet row number (row 1 is the header). */
  row: number;
  type?: RegisterType;
  district?: string;
  commune?: string;
  bookNo?: string;
  /** First year of `quyenSo` (may be impossible: then flagged, and the row matches no book). */
  year?: number;
  registrationYear?: number;
  /** Template keys → text, in the template's form. */
  values: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Header

const UPPER_TO_KEY: Map<string, string> = (() => {
  const m = new Map<string, string>();
  for (const t of Object.values(TEMPLATES) as TemplateSpec[])
    for (const c of [...t.columns, ...t.optionalColumns]) m.set(c.key.toUpperCase(), c.key);
  return m;
})();

/** Upper-case C06 key (any spacing or case) → template key, or undefined for other columns. */
export function c06FieldKey(upper: string): string | undefined {
  return UPPER_TO_KEY.get(upper.trim().toUpperCase());
}

/**
 * The register type a header belongs to: the C06 type with the most columns of its own (keys not
 * shared by all templates, e.g. `NKSHOTEN` for birth); undefined when none or a tie.
 */
export function c06TypeOfHeader(header: readonly string[]): RegisterType | undefined {
  const keys = new Set(header.map((h) => c06FieldKey(h)).filter((k): k is string => k !== undefined));
  const all = Object.values(TEMPLATES) as TemplateSpec[];
  const common = new Set([...keys].filter((k) => all.every((t) => t.columns.some((c) => c.key === k))));
  const scores = C06_TYPES.map((type) => {
    const t = templateFor(type);
    return { type, own: [...keys].filter((k) => !common.has(k) && columnByKey(t).has(k)).length };
  }).sort((a, b) => b.own - a.own);
  const [best, next] = scores;
  return best && best.own > 0 && best.own > (next?.own ?? 0) ? best.type : undefined;
}

/** Columns that are neither template keys nor C06's own: reported once per batch. */
export function c06UnknownColumns(header: readonly string[]): string[] {
  const own = new Set<string>([C06_DISTRICT_KEY, C06_COMMUNE_KEY, ...C06_TYPE_KEYS]);
  return header.map((h) => h.trim().toUpperCase()).filter((h) => h !== '' && !own.has(h) && !UPPER_TO_KEY.has(h));
}

/** A row type cell: `KS`, `khai sinh`, `Sổ đăng ký khai sinh`… */
export function c06TypeFromCell(v: string): RegisterType | undefined {
  const s = v.trim();
  if (s === '') return undefined;
  const byCode = typeFromCode(s.toUpperCase());
  if (byCode) return byCode;
  const k = fold(s);
  return C06_TYPES.find((t) => fold(REGISTER_TYPES[t].nameVi).endsWith(k.replace(/^so dang ky /, '')));
}

// ---------------------------------------------------------------------------------------------
// Values

/** Lower case, no diacritics, one space: for comparing names typed in different ways (Hoà/Hòa). */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const MIN_YEAR = 1850;

function cellText(v: C06Cell): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return dateToVi(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

/** `5005` → "có thể là 2005?": a hint for the reviewer, never applied. */
function yearHint(year: number, maxYear: number): string {
  const s = String(year);
  const hints = ['1', '2']
    .map((d) => Number(d + s.slice(1)))
    .filter((y) => s.length === 4 && y !== year && y >= MIN_YEAR && y <= maxYear);
  return hints.length ? ` (có thể là ${hints.join(' hoặc ')}?)` : '';
}

type DateOut = { value: string; year?: number; code?: C06CorrectionCode; note?: string; flag?: C06CorrectionCode; flagNote?: string };

const pad2 = (s: string) => s.padStart(2, '0');

/** Excel's day serial (1900 system) → UTC date. */
function serialToDate(n: number): Date {
  return new Date(Date.UTC(1899, 11, 30) + Math.round(n) * 86_400_000);
}

/** A date cell → `dd.mm.yyyy` / `mm.yyyy` / `yyyy`, with the correction made and any flag. */
export function normaliseC06Date(raw: C06Cell, maxYear: number): DateOut {
  let value: string;
  let code: C06CorrectionCode | undefined;
  let note: string | undefined;
  if (raw instanceof Date) {
    value = dateToVi(raw);
    code = 'dateFormat';
    note = 'ô ngày của Excel ghi lại dạng dd.mm.yyyy';
  } else if (typeof raw === 'number' && raw >= 10_000 && raw < 2_958_466) {
    value = dateToVi(serialToDate(raw));
    code = 'dateFormat';
    note = `số ngày Excel ${raw} ghi lại dạng dd.mm.yyyy`;
  } else {
    const s = cleanText(cellText(raw));
    if (s === '') return { value: '' };
    let m: RegExpExecArray | null;
    if ((m = /^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$/.exec(s))) value = `${pad2(m[1]!)}.${pad2(m[2]!)}.${m[3]}`;
    else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s))) value = `${pad2(m[3]!)}.${pad2(m[2]!)}.${m[1]}`;
    else if ((m = /^(\d{1,2})\s*[/.\-]\s*(\d{4})$/.exec(s))) value = `${pad2(m[1]!)}.${m[2]}`;
    else if (/^\d{4}$/.test(s)) value = s;
    else return { value: s, flag: 'unreadableDate', flagNote: `không đọc được ngày "${s}" (cần dạng dd/mm/yyyy)` };
    if (value !== s) {
      code = 'dateFormat';
      note = 'đổi sang dạng dd.mm.yyyy của mẫu';
    }
  }
  const parts = value.split('.').map(Number);
  const year = parts[parts.length - 1]!;
  const out: DateOut = { value, year, code, note };
  if (year < MIN_YEAR || year > maxYear) {
    out.flag = 'impossibleYear';
    out.flagNote = `năm ${year} không thể có${yearHint(year, maxYear)}; cần đối chiếu sổ gốc, không tự sửa`;
  } else if (parts.length >= 2) {
    const month = parts[parts.length - 2]!;
    const day = parts.length === 3 ? parts[0]! : 1;
    if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) {
      out.flag = 'unrealDate';
      out.flagNote = `ngày ${value} không có thật; cần đối chiếu sổ gốc`;
    }
  }
  return out;
}

const QUYEN_SO = /^(\d{1,4})([A-Za-z]?)\s*(?:[/.\-]\s*(\d{4})(?:\s*-\s*(\d{4}))?)?$/;

function codeFromText(col: ColumnSpec, v: string): string | undefined {
  const list = col.codeList ? CODE_LISTS[col.codeList] : undefined;
  if (!list) return undefined;
  if (/^\d+$/.test(v)) {
    const n = String(Number(v));
    return list.values.some((c) => c.code === n) ? n : undefined;
  }
  const f = fold(v);
  return list.values.find((c) => fold(c.labelVi) === f)?.code;
}

const SPECS = new Map<RegisterType, Map<string, ColumnSpec>>();
/** Column specs of a type's template, built once per type (called for every row). */
function specsOf(type: RegisterType): Map<string, ColumnSpec> {
  let m = SPECS.get(type);
  if (!m) SPECS.set(type, (m = columnByKey(templateFor(type))));
  return m;
}

const UNKNOWN_TYPE = new Map<RegisterType, string | undefined>();
/** The "không xác định" registration type of a type: its list's code, or 6 where the type has no list. */
export function unknownRegistrationType(type: RegisterType): string | undefined {
  if (UNKNOWN_TYPE.has(type)) return UNKNOWN_TYPE.get(type);
  const col = specsOf(type).get('loaiDangKy');
  const code = !col ? undefined : !col.codeList ? '6' : CODE_LISTS[col.codeList].values.find((c) => fold(c.labelVi) === 'khong xac dinh')?.code;
  UNKNOWN_TYPE.set(type, code);
  return code;
}

export interface NormaliseContext {
  row: number;
  /** The batch's type, when the rows carry none. */
  type?: RegisterType;
  /** Latest possible year (default: this year). */
  maxYear?: number;
}

/** `raw` has the batch's upper-case keys. */
export function normaliseC06Row(raw: Record<string, C06Cell>, ctx: NormaliseContext): { row: C06Row; corrections: C06Correction[] } {
  const maxYear = ctx.maxYear ?? new Date().getUTCFullYear();
  const corrections: C06Correction[] = [];
  const fix = (field: string, from: string, to: string, code: C06CorrectionCode, note: string) =>
    corrections.push({ row: ctx.row, field, from, to, kind: 'corrected', code, note });
  const flag = (field: string, value: string, code: C06CorrectionCode, note: string) =>
    corrections.push({ row: ctx.row, field, from: value, to: value, kind: 'flagged', code, note });

  const upper = new Map<string, C06Cell>();
  for (const [k, v] of Object.entries(raw)) upper.set(k.trim().toUpperCase(), v);
  const get = (k: string) => upper.get(k);

  const typeCell = C06_TYPE_KEYS.map((k) => cleanText(cellText(get(k)))).find((v) => v !== '');
  const type = typeCell !== undefined ? c06TypeFromCell(typeCell) : ctx.type;
  const district = cleanText(cellText(get(C06_DISTRICT_KEY))) || undefined;
  const commune = cleanText(cellText(get(C06_COMMUNE_KEY))) || undefined;
  const row: C06Row = { row: ctx.row, type, district, commune, values: {} };
  if (!type) return { row, corrections };

  const specs = specsOf(type);
  for (const [u, rawValue] of upper) {
    const key = UPPER_TO_KEY.get(u);
    const col = key ? specs.get(key) : undefined;
    if (!key || !col) continue;
    const original = rawValue instanceof Date ? rawValue.toISOString().slice(0, 10) : cellText(rawValue);
    if (col.kind === 'date') {
      const d = normaliseC06Date(rawValue, maxYear);
      if (d.code && d.value !== original) fix(key, original, d.value, d.code, d.note!);
      if (d.flag) flag(key, d.value, d.flag, d.flagNote!);
      if (key === 'ngayDangKy' && d.year !== undefined) {
        row.registrationYear = d.year;
        if (!d.flag && d.year > LAST_PLAN_YEAR) flag(key, d.value, 'outsidePlanYears', `năm đăng ký ${d.year} sau năm cuối của đề án (${LAST_PLAN_YEAR})`);
      }
      row.values[key] = d.value;
      continue;
    }
    let v = cleanText(cellText(rawValue));
    if (v !== original.trim()) fix(key, original, v, 'text', 'bỏ khoảng trắng thừa, chuẩn hóa Unicode (NFC)');
    if (col.kind === 'code' && v !== '' && !(col.codeList && CODE_LISTS[col.codeList].values.some((c) => c.code === v))) {
      const code = codeFromText(col, v);
      if (code !== undefined) {
        fix(key, v, code, 'codeFormat', `ghi theo mã của danh mục ${CODE_LISTS[col.codeList!].labelVi}`);
        v = code;
      } else flag(key, v, 'unknownCode', `"${v}" không có trong danh mục ${CODE_LISTS[col.codeList!].labelVi}`);
    }
    if (key === 'loaiDangKy' && col.kind === 'int' && /^0\d+$/.test(v)) {
      fix(key, v, String(Number(v)), 'codeFormat', 'bỏ số 0 đứng đầu');
      v = String(Number(v));
    }
    row.values[key] = v;
  }

  // The missing-value rules: registration type → "không xác định", registration date → flag.
  if (specs.has('loaiDangKy') && !row.values.loaiDangKy) {
    const unknown = unknownRegistrationType(type);
    if (unknown !== undefined) {
      fix('loaiDangKy', '', unknown, 'registrationTypeDefault', `thiếu loại đăng ký: ghi ${unknown} (không xác định)`);
      row.values.loaiDangKy = unknown;
    } else {
      flag('loaiDangKy', '', 'registrationTypeMissing', `thiếu loại đăng ký; danh mục ${typeCode(type)} không có mã "không xác định"`);
    }
  }
  if (!row.values.ngayDangKy) flag('ngayDangKy', '', 'registrationDateMissing', 'thiếu ngày đăng ký; cần đối chiếu sổ gốc');

  const q = row.values.quyenSo ?? '';
  const m = QUYEN_SO.exec(q);
  if (m) {
    row.bookNo = normalizeBookNo(m[1]! + m[2]!);
    if (m[3]) {
      row.year = Number(m[3]);
      const yearTo = m[4] ? Number(m[4]) : undefined;
      const canonical = `${row.bookNo}/${m[3]}${yearTo !== undefined ? `-${m[4]}` : ''}`;
      if (canonical !== q) {
        fix('quyenSo', q, canonical, 'quyenSoFormat', 'ghi quyển số dạng 01/2018');
        row.values.quyenSo = canonical;
      }
      for (const y of [row.year, yearTo]) {
        if (y !== undefined && (y < MIN_YEAR || y > maxYear)) {
          flag('quyenSo', row.values.quyenSo ?? '', 'impossibleYear', `năm ${y} của quyển số không thể có${yearHint(y, maxYear)}; cần đối chiếu sổ gốc, không tự sửa`);
        }
      }
      const ry = row.registrationYear;
      if (ry !== undefined && ry >= MIN_YEAR && ry <= maxYear && row.year >= MIN_YEAR && row.year <= maxYear && (ry < row.year || ry > (yearTo ?? row.year))) {
        flag('ngayDangKy', row.values.ngayDangKy!, 'yearMismatch', `năm đăng ký ${ry} khác năm của quyển số ${row.values.quyenSo}`);
      }
    } else if (row.registrationYear !== undefined && row.registrationYear >= MIN_YEAR && row.registrationYear <= maxYear) {
      row.year = row.registrationYear;
      const to = `${row.bookNo}/${row.year}`;
      fix('quyenSo', q, to, 'quyenSoYearFromDate', 'quyển số không ghi năm: lấy năm của ngày đăng ký');
      row.values.quyenSo = to;
    }
  }
  return { row, corrections };
}

// ---------------------------------------------------------------------------------------------
// Matching

export interface CandidateBook {
  workflowId: string;
  book: Book;
}

export type C06Match =
  | { kind: 'matched'; workflowId: string; inferred?: string }
  | { kind: 'unmatched'; reason: string }
  | { kind: 'ambiguous'; reason: string; workflowIds: string[] };

/** Strips "UBND", "xã", "phường", "thị trấn"… so `UBND phường Tân Thạnh` = `Tân Thạnh` = `P. Tân Thạnh`. */
export function placeName(s: string): string {
  return fold(s)
    .replace(/^(uy ban nhan dan|ubnd)\s+/, '')
    .replace(/^(xa|phuong|thi tran|thanh pho|thi xa|huyen|quan|tt|tp|tx|p|x|h|q)\s*\.?\s+/, '')
    .replace(/^(tt|tp|tx|p|x|h|q)\.\s*/, '')
    .trim();
}

export interface C06Index {
  candidates: CandidateBook[];
  agencies: Map<string, { code: string; name: string; districtCode: string }>;
  districts: ReadonlyArray<{ code: string; name: string }>;
}

export function buildC06Index(candidates: CandidateBook[], districts?: ReadonlyArray<{ code: string; name: string }>): C06Index {
  const agencies = new Map<string, { code: string; name: string; districtCode: string }>();
  for (const c of candidates) agencies.set(c.book.agency.code, c.book.agency);
  return {
    candidates,
    agencies,
    districts: districts ?? QUANG_NAM_DISTRICTS.map((d) => ({ code: d.code, name: districtName(d.code) })),
  };
}

function resolveDistrict(ref: string, index: C06Index): string[] | undefined {
  if (/^\d+$/.test(ref)) return [ref.padStart(3, '0')];
  const k = placeName(ref);
  const found = index.districts.filter((d) => placeName(d.name) === k).map((d) => d.code);
  return found.length ? found : undefined;
}

function resolveCommune(row: C06Row, index: C06Index): { codes: string[] } | { reason: string } {
  const ref = row.commune!;
  let agencies = [...index.agencies.values()];
  if (row.district) {
    const districtCodes = resolveDistrict(row.district, index);
    if (districtCodes) agencies = agencies.filter((a) => districtCodes.includes(a.districtCode));
  }
  if (/^\d+$/.test(ref)) {
    const code = ref.padStart(5, '0');
    return { codes: agencies.some((a) => a.code === code) ? [code] : [] };
  }
  const exact = agencies.filter((a) => placeName(a.name) === placeName(ref));
  return { codes: exact.map((a) => a.code) };
}

const yearsOf = (b: Book) => (b.yearFrom === b.yearTo ? `${b.yearFrom}` : `${b.yearFrom}–${b.yearTo}`);

/** Which book a row belongs to: commune, type, book number and year; never a guess between two. */
export function matchC06Row(row: C06Row, index: C06Index): C06Match {
  if (!row.type) return { kind: 'unmatched', reason: 'không xác định được loại sổ của dòng (KS, KH, KT, NCN)' };
  if (!row.commune) return { kind: 'unmatched', reason: `thiếu đơn vị nhập (${C06_COMMUNE_KEY})` };
  const communes = resolveCommune(row, index);
  if ('reason' in communes) return { kind: 'unmatched', reason: communes.reason };
  if (communes.codes.length === 0) {
    return { kind: 'unmatched', reason: `không có sổ nào đang chờ dữ liệu C06 của đơn vị "${row.commune}"${row.district ? ` (${row.district})` : ''}` };
  }
  if (communes.codes.length > 1) {
    const ids = index.candidates.filter((c) => communes.codes.includes(c.book.agency.code)).map((c) => c.workflowId);
    return { kind: 'ambiguous', reason: `tên đơn vị "${row.commune}" trùng nhiều xã (${communes.codes.join(', ')}); cần ghi mã xã hoặc huyện`, workflowIds: ids };
  }
  const code = communes.codes[0]!;
  const sameType = index.candidates.filter((c) => c.book.agency.code === code && c.book.type === row.type);
  const tc = typeCode(row.type);
  if (sameType.length === 0) return { kind: 'unmatched', reason: `đơn vị ${code} không có sổ ${tc} nào đang chờ dữ liệu C06` };
  const existing = () => sameType.map((c) => `quyển ${c.book.bookNo} (${yearsOf(c.book)})`).join(', ');
  if (row.year !== undefined && (row.year < MIN_YEAR || row.year > new Date().getUTCFullYear())) {
    return { kind: 'unmatched', reason: `năm ${row.year} của quyển số không thể có; cần xem lại trước khi ghép sổ` };
  }
  if (row.bookNo === undefined) {
    const year = row.year ?? row.registrationYear;
    if (year === undefined) return { kind: 'unmatched', reason: 'thiếu quyển số và ngày đăng ký: không ghép được sổ' };
    const byYear = sameType.filter((c) => year >= c.book.yearFrom && year <= c.book.yearTo);
    if (byYear.length === 1) return { kind: 'matched', workflowId: byYear[0]!.workflowId, inferred: `thiếu quyển số; đơn vị chỉ có một sổ ${tc} năm ${year}` };
    if (byYear.length === 0) return { kind: 'unmatched', reason: `thiếu quyển số; không có sổ ${tc} năm ${year} (đang chờ: ${existing()})` };
    return { kind: 'ambiguous', reason: `thiếu quyển số; có ${byYear.length} sổ ${tc} năm ${year}`, workflowIds: byYear.map((c) => c.workflowId) };
  }
  const year = row.year ?? row.registrationYear;
  const hits = sameType.filter((c) => c.book.bookNo === row.bookNo && (year === undefined || (year >= c.book.yearFrom && year <= c.book.yearTo)));
  if (hits.length === 1) return { kind: 'matched', workflowId: hits[0]!.workflowId };
  if (hits.length > 1) {
    return { kind: 'ambiguous', reason: `quyển ${row.bookNo}${year ? ` năm ${year}` : ''} khớp ${hits.length} sổ ${tc}`, workflowIds: hits.map((c) => c.workflowId) };
  }
  return { kind: 'unmatched', reason: `không có sổ ${tc} quyển ${row.bookNo}${year ? ` năm ${year}` : ''} của đơn vị ${code} (đang chờ: ${existing()})` };
}

/** The reference of a batch, from its sha256: what `c06Received.batchRef` carries. */
export const c06BatchRef = (batchSha256: string) => `C06-${batchSha256.slice(0, 12)}`;

/** The book's C06 file from the `batchRef` the workflow received (same as `c06BookKey`). */
export function c06KeyFromBatchRef(book: Pick<Book, 'agency' | 'type' | 'bookNo' | 'yearFrom' | 'yearTo'>, batchRef: string): string {
  const m = /^C06-([0-9a-f]{12})$/.exec(batchRef);
  if (!m) throw new Error(`batchRef "${batchRef}" không đúng dạng C06-xxxxxxxxxxxx`);
  return c06BookKey(book, m[1]!);
}

/** Key of the normalised rows of one book from one batch (same batch → same key). */
export function c06BookKey(book: Pick<Book, 'agency' | 'type' | 'bookNo' | 'yearFrom' | 'yearTo'>, batchSha256: string): string {
  return `${bookPrefix(book)}/c06/${bookStem(book)}.c06-${batchSha256.slice(0, 12)}.xlsx`;
}

export interface C06MatchSummary {
  matched: { workflowId: string; book: Book; rows: number; rowNos: number[]; key?: string }[];
  unmatched: { row: number; reason: string }[];
  ambiguous: { row: number; reason: string; workflowIds: string[] }[];
  /** Books found without a book number (flagged for review). */
  inferred: { row: number; workflowId: string; note: string }[];
}

/** Matches rows to candidate books; with the batch's sha256 each book gets its file's key. */
export function matchC06Rows(rows: readonly C06Row[], candidates: CandidateBook[], opts: { batchSha256?: string; districts?: ReadonlyArray<{ code: string; name: string }> } = {}): C06MatchSummary {
  const index = buildC06Index(candidates, opts.districts);
  const byBook = new Map<string, C06MatchSummary['matched'][number]>();
  const out: C06MatchSummary = { matched: [], unmatched: [], ambiguous: [], inferred: [] };
  for (const r of rows) {
    const m = matchC06Row(r, index);
    if (m.kind === 'unmatched') out.unmatched.push({ row: r.row, reason: m.reason });
    else if (m.kind === 'ambiguous') out.ambiguous.push({ row: r.row, reason: m.reason, workflowIds: m.workflowIds });
    else {
      let entry = byBook.get(m.workflowId);
      if (!entry) {
        const book = candidates.find((c) => c.workflowId === m.workflowId)!.book;
        entry = { workflowId: m.workflowId, book, rows: 0, rowNos: [], ...(opts.batchSha256 ? { key: c06BookKey(book, opts.batchSha256) } : {}) };
        byBook.set(m.workflowId, entry);
      }
      entry.rows++;
      entry.rowNos.push(r.row);
      if (m.inferred) out.inferred.push({ row: r.row, workflowId: m.workflowId, note: m.inferred });
    }
  }
  out.matched = [...byBook.values()].sort((a, b) => a.workflowId.localeCompare(b.workflowId));
  return out;
}
