import { z } from 'zod';
import type { PageSearchResponse } from '../../contracts/v1/quality';
import { fold } from '../../domain/text';

/** The recognised text kept beside a package (`qualityKeys(book).ocr`). */
export const ocrFileSchema = z.object({
  format: z.literal('sohoa.ocr/1'),
  pages: z.array(z.object({ case: z.string(), caseNo: z.number().int(), page: z.number().int(), text: z.string(), confidence: z.number() })),
});
export type OcrFile = z.infer<typeof ocrFileSchema>;

/**
 * Lines of the book's pages that hold the query: with its diacritics when the query has them
 * (exact first), else folded; in the order of the pages, at most `limit`.
 */
export function searchPages(ocr: OcrFile, query: string, limit: number): PageSearchResponse {
  const q = query.normalize('NFC').replace(/\s+/g, ' ').trim();
  const exact = q.toLocaleLowerCase('vi');
  const folded = fold(q);
  const hits: PageSearchResponse['hits'] = [];
  let truncated = false;
  for (const p of ocr.pages) {
    for (const line of p.text.split('\n')) {
      const l = line.replace(/\s+/g, ' ');
      if (!l.toLocaleLowerCase('vi').includes(exact) && !fold(l).includes(folded)) continue;
      if (hits.length === limit) {
        truncated = true;
        break;
      }
      hits.push({ case: p.case, caseNo: p.caseNo, page: p.page, line: l, confidence: p.confidence });
    }
    if (truncated) break;
  }
  return { query: q, hits, truncated };
}
