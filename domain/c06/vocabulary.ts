import { columnByKey, templateFor, TEMPLATES, type TemplateSpec } from '../excel/columns';
import { REGISTER_TYPES, typeFromCode, type RegisterType } from '../registerTypes';
import { fold } from '../text';

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

/**
 * A flag of the intake on a row of one book's file (stored beside it): where the clerk finds it
 * in the book's file (`row`, the header is row 1) and in the batch C06 sent (`batchRow`).
 */
export interface C06RowFlag {
  row: number;
  batchRow: number;
  field: string;
  value: string;
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

export const UPPER_TO_KEY: Map<string, string> = (() => {
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

