import type { Book } from '../book';
import { bookPrefix, bookStem } from '../naming';

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

/** The intake's flags on the rows of a book's C06 file (JSON `C06RowFlag[]`), beside the file. */
export const c06FlagsKey = (bookKey: string) => bookKey.replace(/\.xlsx$/i, '') + '.flags.json';
