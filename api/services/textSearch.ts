import type { RegisterSummary } from '../../contracts/v1';
import { fold } from '../../domain/text';

/** The text search as a test of a book: a book number matches exactly (01 = 1), other text by substring. */
export function textMatcher(q: string): (b: RegisterSummary) => boolean {
  // A book number matches the book number only (01 = 1), not every 2017 in a title.
  if (/^\d{1,4}[A-Za-z]?$/.test(q)) {
    const bookNo = q.toUpperCase().replace(/^\d+/, (d) => d.padStart(2, '0'));
    return (b) => b.bookNo === bookNo;
  }
  const folded = fold(q);
  return (b) => searchText(b).includes(folded);
}

/**
 * A list line's searchable text, folded once: the read model keeps the same line objects between changes,
 * and folds each as it takes it in (folding 40,000 titles made a first search take 0.5 s).
 */
const folded = new WeakMap<RegisterSummary, string>();
export function searchText(b: RegisterSummary): string {
  let text = folded.get(b);
  if (text === undefined) {
    // NUL between fields (a search never holds one): no match across two fields.
    text = [b.bookNo, b.title, b.agencyName, b.id].map((x) => (x ? fold(x) : '')).join('\u0000');
    folded.set(b, text);
  }
  return text;
}

/** A copy of a list line (the plan's deadline in place) searches as its original: the text folded once serves both. */
export function searchesAs(copy: RegisterSummary, original: RegisterSummary): RegisterSummary {
  folded.set(copy, searchText(original));
  return copy;
}
