import { CODE_LISTS } from '../excel/codes';
import { columnByKey, templateFor, type ColumnSpec } from '../excel/columns';
import { cleanText, dateToVi, normalizeBookNo } from '../excel/values';
import { LAST_PLAN_YEAR } from '../periods';
import { typeCode, type RegisterType } from '../registerTypes';
import { C06_COMMUNE_KEY, C06_DISTRICT_KEY, C06_TYPE_KEYS, c06TypeFromCell, UPPER_TO_KEY, type C06Cell, type C06Correction, type C06CorrectionCode, type C06Row } from './vocabulary';
import { fold } from '../text';


export const MIN_YEAR = 1850;

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
