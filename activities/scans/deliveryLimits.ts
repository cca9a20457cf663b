import type { Limits } from '../../clients/config';
import type { CaseSource } from './cases';

const MB = 1024 * 1024;

export type DeliveryLimits = Pick<Limits, 'SOHOA_MAX_PDF_MB' | 'SOHOA_MAX_PDF_PAGES' | 'SOHOA_MAX_DELIVERY_PAGES'>;

/**
 * What the listing of a delivery already shows over the limits, before any file is read: a case
 * heavier than a PDF may be (a delivered PDF, or the page images its PDF is built from, are held
 * in memory), a folder with more images than a PDF may have pages, more page images than a
 * delivery may have pages. The pages of delivered PDFs are counted as each is opened.
 */
export function listingProblems(cases: CaseSource[], limits: DeliveryLimits): string[] {
  const problems: string[] = [];
  const maxBytes = limits.SOHOA_MAX_PDF_MB * MB;
  let imagePages = 0;
  for (const c of cases) {
    const shown = c.pdf ? c.name : `${c.name.replace(/\.pdf$/i, '')}/`;
    const bytes = (c.pdf?.bytes ?? 0) + c.pages.reduce((s, p) => s + p.bytes, 0);
    if (bytes > maxBytes) {
      const what = c.pdf ? 'tệp PDF' : 'các ảnh trang cộng lại';
      problems.push(`${shown}: ${what} nặng ${Math.ceil(bytes / MB)} MB, vượt giới hạn ${limits.SOHOA_MAX_PDF_MB} MB mỗi hồ sơ (SOHOA_MAX_PDF_MB)`);
    }
    if (c.pages.length > limits.SOHOA_MAX_PDF_PAGES) {
      problems.push(`${shown}: ${c.pages.length} ảnh trang, vượt giới hạn ${limits.SOHOA_MAX_PDF_PAGES} trang mỗi hồ sơ (SOHOA_MAX_PDF_PAGES)`);
    }
    imagePages += c.pages.length;
  }
  if (imagePages > limits.SOHOA_MAX_DELIVERY_PAGES) {
    problems.push(`lần giao có ${imagePages} ảnh trang, vượt giới hạn ${limits.SOHOA_MAX_DELIVERY_PAGES} trang mỗi lần giao (SOHOA_MAX_DELIVERY_PAGES)`);
  }
  return problems;
}

/** The message when delivered PDFs bring the delivery past its page limit. */
export const deliveryPagesProblem = (pages: number, limits: DeliveryLimits) =>
  `lần giao có hơn ${limits.SOHOA_MAX_DELIVERY_PAGES} trang (đã đếm ${pages} khi dừng), vượt giới hạn mỗi lần giao (SOHOA_MAX_DELIVERY_PAGES)`;
