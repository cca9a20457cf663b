import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, PDFStream, type PDFDocument, type PDFObject } from 'pdf-lib';
import type { Limits } from '../../clients/config';
import { pixelProblem, type PixelLimits } from './images';

const PAGES = PDFName.of('Pages');
const PAGE = PDFName.of('Page');
const KIDS = PDFName.of('Kids');
const TYPE = PDFName.of('Type');

type Counted = { ok: true; pages: number } | { ok: false; problem: string };

/**
 * Counts the pages of a PDF by walking its page tree, stopping past `max`. pdf-lib's own count
 * flattens the tree first: a tree whose nodes list the same child many times declares billions
 * of pages in a few hundred bytes; a node met twice is refused here (a page has one parent).
 */
export function countPages(doc: PDFDocument, limits: Pick<Limits, 'SOHOA_MAX_PDF_PAGES'>): Counted {
  const max = limits.SOHOA_MAX_PDF_PAGES;
  const ctx = doc.context;
  const seen = new Set<PDFRef>();
  const root = doc.catalog.get(PAGES);
  if (!root) return { ok: false, problem: 'PDF không có cây trang' };
  const stack: PDFObject[] = [root];
  let pages = 0;
  while (stack.length) {
    const item = stack.pop()!;
    if (item instanceof PDFRef) {
      if (seen.has(item)) return { ok: false, problem: 'cây trang của PDF hỏng (một trang hay nhánh xuất hiện nhiều lần)' };
      seen.add(item);
    }
    const node = ctx.lookup(item);
    if (!(node instanceof PDFDict)) return { ok: false, problem: 'cây trang của PDF hỏng' };
    const type = node.get(TYPE);
    if (type === PAGE) {
      if (++pages > max) return { ok: false, problem: `PDF có hơn ${max} trang, vượt giới hạn mỗi tệp (SOHOA_MAX_PDF_PAGES)` };
    } else if (type === PAGES) {
      const kids = ctx.lookup(node.get(KIDS));
      if (!(kids instanceof PDFArray)) return { ok: false, problem: 'cây trang của PDF hỏng (nhánh không có danh sách trang)' };
      stack.push(...kids.asArray());
    }
  }
  return { ok: true, pages };
}

/** The first image of the PDF whose declared size is over the limits (a viewer would allocate it whole). */
export function giantImage(doc: PDFDocument, limits: PixelLimits): string | undefined {
  const ctx = doc.context;
  for (const [, obj] of ctx.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFStream) || obj.dict.get(PDFName.of('Subtype')) !== PDFName.of('Image')) continue;
    const [w, h] = ['Width', 'Height'].map((k) => ctx.lookup(obj.dict.get(PDFName.of(k))));
    if (!(w instanceof PDFNumber) || !(h instanceof PDFNumber)) continue;
    const problem = pixelProblem(w.asNumber(), h.asNumber(), false, limits);
    if (problem) return problem;
  }
  return undefined;
}
