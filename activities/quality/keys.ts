import { artifactKeys } from '../../domain/naming';
import type { Book } from '../../domain/book';

/** Beside the book's package: the page checks' report and the recognised text of every page. */
export const qualityKeys = (book: Book) => {
  const { prefix } = artifactKeys(book);
  return { report: `${prefix}/quality.json`, ocr: `${prefix}/ocr.json` };
};
