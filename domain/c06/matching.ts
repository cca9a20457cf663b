import type { Book } from '../book';
import { typeCode } from '../registerTypes';
import { c06BookKey } from './keys';
import { MIN_YEAR } from './normalise';
import { C06_COMMUNE_KEY, type C06Row } from './vocabulary';
import { fold } from '../text';

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

export function buildC06Index(candidates: CandidateBook[], districts: ReadonlyArray<{ code: string; name: string }>): C06Index {
  const agencies = new Map<string, { code: string; name: string; districtCode: string }>();
  for (const c of candidates) agencies.set(c.book.agency.code, c.book.agency);
  return {
    candidates,
    agencies,
    districts,
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

export interface C06MatchSummary {
  matched: { workflowId: string; book: Book; rows: number; rowNos: number[]; key?: string }[];
  unmatched: { row: number; reason: string }[];
  ambiguous: { row: number; reason: string; workflowIds: string[] }[];
  /** Books found without a book number (flagged for review). */
  inferred: { row: number; workflowId: string; note: string }[];
}

/** Matches rows to candidate books; with the batch's sha256 each book gets its file's key. */
export function matchC06Rows(rows: readonly C06Row[], candidates: CandidateBook[], opts: { batchSha256?: string; districts: ReadonlyArray<{ code: string; name: string }> }): C06MatchSummary {
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
