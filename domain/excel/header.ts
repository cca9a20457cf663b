import { columnLetter, type Problem } from './problems';
import { excelTypeCodes, TEMPLATES, type ExcelTypeCode, type TemplateSpec } from './columns';

export interface HeaderCheck {
  problems: Problem[];
  /** Field key → 1-based column number, for keys of the template (and its optional columns) found. */
  columns: Map<string, number>;
  /** Set when the header is another type's template: rows are then not checked. */
  otherTemplate?: ExcelTypeCode;
}

/** Longest common subsequence of two key lists (the columns in the right relative order). */
function lcs(a: readonly string[], b: readonly string[]): Set<string> {
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const out = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.add(a[i]!);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return out;
}

/** A key as a person might mistype it: case, marks, spaces and underscores do not count. */
const loose = (k: string) =>
  k
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .replace(/[\s_]/g, '')
    .toLowerCase();

/** At most one edit apart (a letter missing, added or changed). */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const [x, y] = [a.slice(i), b.slice(i)];
  return x.slice(1) === y.slice(1) || x.slice(1) === y || x === y.slice(1);
}

/** The template key a header text looks like, among the keys not found as they are. */
function lookalike(text: string, candidates: readonly string[]): string | undefined {
  const l = loose(text);
  if (l === '') return undefined;
  return candidates.find((k) => loose(k) === l) ?? (l.length >= 6 ? candidates.find((k) => oneEditApart(loose(k), l)) : undefined);
}

/** Which template a header looks like: the type code whose keys cover most of it. */
export function guessTemplate(keys: readonly string[]): { code: ExcelTypeCode; share: number } | undefined {
  const present = keys.filter((k) => k !== '');
  if (present.length === 0) return undefined;
  let best: { code: ExcelTypeCode; share: number } | undefined;
  for (const code of excelTypeCodes) {
    const t = TEMPLATES[code];
    const known = new Set([...t.columns, ...t.optionalColumns].map((c) => c.key));
    const hits = present.filter((k) => known.has(k)).length;
    // Share of the template found, so a template that contains another one does not win by default.
    const share = Math.min(hits / present.length, hits / t.columns.length);
    if (!best || share > best.share) best = { code, share };
  }
  return best;
}

/**
 * Checks row 1 against the template: missing, unknown, duplicated and misplaced columns, and a
 * header that is another type's template. `keys[i]` is the text of column i+1.
 */
export function checkHeader(t: TemplateSpec, keys: readonly string[], sheet: string): HeaderCheck {
  const problems: Problem[] = [];
  const columns = new Map<string, number>();
  const expected = t.columns.map((c) => c.key);
  const optional = new Set(t.optionalColumns.map((c) => c.key));
  const known = new Set(expected);

  const mine = guessTemplate(keys);
  const ownShare = (() => {
    const present = keys.filter((k) => k !== '');
    const hits = present.filter((k) => known.has(k) || optional.has(k)).length;
    return present.length ? Math.min(hits / present.length, hits / expected.length) : 0;
  })();
  if (mine && mine.code !== t.typeCode && mine.share >= 0.8 && ownShare < 0.6) {
    const other = TEMPLATES[mine.code];
    problems.push({
      sheet,
      row: 1,
      code: 'wrongTemplate',
      messageVi: `Tệp dùng mẫu ${other.nameVi} (${other.typeCode}), không phải mẫu ${t.nameVi} (${t.typeCode}) của sổ này.`,
      messageEn: `The workbook uses the ${other.typeCode} template, not ${t.typeCode}.`,
    });
    return { problems, columns, otherTemplate: mine.code };
  }

  const exact = new Set(keys);
  const unmatched = () => [...expected, ...optional].filter((k) => !exact.has(k) && !columns.has(k));
  keys.forEach((k, i) => {
    const cell = `${columnLetter(i + 1)}1`;
    if (k === '') {
      problems.push({ sheet, row: 1, cell, code: 'unknownColumn', value: '', messageVi: `Cột ${columnLetter(i + 1)} không có tên trường ở dòng 1.`, messageEn: `Column ${columnLetter(i + 1)} has no field key in row 1.` });
      return;
    }
    if (columns.has(k)) {
      problems.push({ sheet, row: 1, column: k, cell, code: 'duplicateColumn', value: k, messageVi: `Cột ${k} lặp lại (cột ${columnLetter(columns.get(k)!)} và ${columnLetter(i + 1)}).`, messageEn: `Column ${k} appears twice.` });
      return;
    }
    if (known.has(k) || optional.has(k)) {
      columns.set(k, i + 1);
      return;
    }
    // A key mistyped (case, a mark, a letter): one problem naming the key it should be, and its
    // column read as that key, so its rows are not all reported as missing a value.
    const like = lookalike(k, unmatched());
    if (like) {
      columns.set(like, i + 1);
      const label = [...t.columns, ...t.optionalColumns].find((c) => c.key === like)!.labelVi;
      problems.push({
        sheet,
        row: 1,
        column: like,
        cell,
        code: 'misnamedColumn',
        value: k,
        messageVi: `Tên cột "${k}" gần giống "${like}" của mẫu, cột ${label}: sửa lại thành "${like}", đúng từng chữ hoa, chữ thường.`,
        messageEn: `Column "${k}" looks like "${like}": rename it exactly.`,
      });
      return;
    }
    problems.push({ sheet, row: 1, column: k, cell, code: 'unknownColumn', value: k, messageVi: `Cột "${k}" không có trong mẫu ${t.typeCode}.`, messageEn: `Column "${k}" is not in the ${t.typeCode} template.` });
  });

  for (const k of expected)
    if (!columns.has(k))
      problems.push({ sheet, row: 1, column: k, code: 'missingColumn', messageVi: `Thiếu cột ${k} (${t.columns.find((c) => c.key === k)!.labelVi}).`, messageEn: `Column ${k} is missing.` });

  // Columns out of the template's order: those not on a longest run in the right relative order.
  const found = keys.filter((k) => known.has(k) && columns.get(k) !== undefined);
  const inOrder = lcs(expected.filter((k) => columns.has(k)), found);
  for (const k of found)
    if (!inOrder.has(k)) {
      const at = columns.get(k)!;
      problems.push({
        sheet,
        row: 1,
        column: k,
        cell: `${columnLetter(at)}1`,
        code: 'misplacedColumn',
        value: k,
        messageVi: `Cột ${k} sai vị trí: đang ở cột ${columnLetter(at)}, mẫu đặt ở cột ${columnLetter(expected.indexOf(k) + 1)}.`,
        messageEn: `Column ${k} is at ${columnLetter(at)}, the template has it at ${columnLetter(expected.indexOf(k) + 1)}.`,
      });
    }
  return { problems, columns };
}
