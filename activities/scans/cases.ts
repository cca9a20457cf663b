import type { Book } from '../../domain/book';
import { bookYears, formatCaseNo, parsePdfName, REGISTRATION_DATE } from '../../domain/naming';
import { typeCode } from '../../domain/registerTypes';
import type { StoredObject } from '../../clients/storage/types';
import { classifyStored, comparePages, type ImageKind } from './layout';

export interface PageSource {
  key: string;
  /** `folder/page.jpg`, for messages. */
  path: string;
  image: ImageKind;
  bytes: number;
}

/** One case of the delivery: a PDF, or the page images of its folder. */
export interface CaseSource {
  /** The case's PDF name (a folder of images gets `<folder>.pdf`). */
  name: string;
  /** Undefined when the name does not parse. */
  caseNo: number | undefined;
  pdf?: { key: string; bytes: number };
  pages: PageSource[];
}

export interface CasePlan {
  cases: CaseSource[];
  files: number;
  problems: string[];
}

/** `[3,4,5,9]` → `03–05, 09`. */
export function ranges(nums: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    out.push(j === i ? formatCaseNo(nums[i]!) : `${formatCaseNo(nums[i]!)}–${formatCaseNo(nums[j]!)}`);
    i = j + 1;
  }
  return out.join(', ');
}

const normBookNo = (s: string) => s.toUpperCase().replace(/^\d+/, (d) => String(Number(d)).padStart(2, '0'));

/**
 * Groups a stored delivery into cases and checks every name against the book: type, years,
 * book number, registration date within the book's years, case numbers 1..n without gap,
 * duplicate or case outside the inventory count. Every problem is listed; none stops the check.
 */
export function planCases(book: Book, uploadPrefix: string, objects: StoredObject[], expectedCases: number | undefined): CasePlan {
  const problems: string[] = [];
  const byName = new Map<string, CaseSource>();
  const get = (name: string) => {
    let c = byName.get(name);
    if (!c) byName.set(name, (c = { name, caseNo: undefined, pages: [] }));
    return c;
  };
  let files = 0;
  for (const o of objects) {
    const rel = o.key.slice(uploadPrefix.length + 1);
    const e = classifyStored(rel);
    if (e.kind === 'ignored') continue;
    files++;
    if (e.kind === 'invalid') problems.push(e.problem);
    else if (e.kind === 'pdf') get(e.name).pdf = { key: o.key, bytes: o.bytes };
    else get(e.caseName).pages.push({ key: o.key, path: e.path, image: e.image, bytes: o.bytes });
  }
  if (byName.size === 0) problems.push(`không có bản quét nào (PDF hoặc thư mục ảnh) trong lần tải lên ${uploadPrefix}`);

  const code = typeCode(book.type);
  const years = bookYears(book);
  const byNo = new Map<number, string[]>();
  for (const c of byName.values()) {
    c.pages.sort((a, b) => comparePages(a.path, b.path));
    const shown = c.pdf ? c.name : `${c.name.replace(/\.pdf$/i, '')}/`;
    if (c.pdf && c.pages.length) problems.push(`${c.name}: hồ sơ được gửi cả tệp PDF lẫn thư mục ảnh, chỉ được chọn một`);
    const parsed = parsePdfName(c.name);
    if (!parsed.ok) {
      problems.push(`${shown}: ${parsed.error.slice(parsed.error.indexOf(': ') + 2)}`);
      continue;
    }
    const p = parsed.value;
    c.caseNo = p.caseNo;
    const nameYears = bookYears(p);
    if (p.type !== book.type) problems.push(`${shown}: mã loại sổ ${typeCode(p.type)} không khớp sổ này (${code})`);
    if (nameYears !== years) problems.push(`${shown}: năm ${nameYears} không khớp năm của sổ (${years})`);
    else {
      const y = Number(REGISTRATION_DATE.exec(p.registrationDate)![1]);
      if (y < book.yearFrom || y > book.yearTo) problems.push(`${shown}: ngày đăng ký ${p.registrationDate} nằm ngoài năm của sổ (${years})`);
    }
    if (normBookNo(p.bookNo) !== normBookNo(book.bookNo)) problems.push(`${shown}: số quyển ${p.bookNo} không khớp sổ này (quyển ${book.bookNo})`);
    const list = byNo.get(p.caseNo) ?? [];
    list.push(c.name);
    byNo.set(p.caseNo, list);
  }

  const numbers = [...byNo.keys()].sort((a, b) => a - b);
  for (const n of numbers) {
    const names = byNo.get(n)!;
    if (names.length > 1) problems.push(`hồ sơ số ${formatCaseNo(n)} bị trùng: ${names.sort().join(', ')}`);
  }
  for (const n of numbers) {
    const outside = n < 1 || (expectedCases !== undefined && n > expectedCases);
    if (!outside) continue;
    const why = n < 1 ? 'số hồ sơ phải bắt đầu từ 01' : `sổ chỉ có ${expectedCases} hồ sơ theo kiểm kê`;
    for (const name of byNo.get(n)!) problems.push(`${name}: hồ sơ số ${formatCaseNo(n)} ngoài danh mục (${why})`);
  }
  const last = expectedCases ?? (numbers.length ? numbers[numbers.length - 1]! : 0);
  const missing: number[] = [];
  for (let n = 1; n <= last; n++) if (!byNo.has(n)) missing.push(n);
  if (missing.length) {
    const of = expectedCases !== undefined ? ` (sổ có ${expectedCases} hồ sơ theo kiểm kê)` : '';
    problems.push(`thiếu hồ sơ số ${ranges(missing)}${of}`);
  }

  const cases = [...byName.values()].sort(
    (a, b) => (a.caseNo ?? Number.MAX_SAFE_INTEGER) - (b.caseNo ?? Number.MAX_SAFE_INTEGER) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return { cases, files, problems };
}
