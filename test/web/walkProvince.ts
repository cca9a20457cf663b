import type { Page } from 'playwright-core';
import type { Units } from '../../domain/units';
import { see } from './browser';

export interface ProvinceFacts {
  /** Books done (the overview's first figure). */
  done: number;
  /** The province's units: a generated province has books in every district (a bar each in the overview's district chart). */
  units: Units;
  district: string;
  /** Running books of `district`. */
  runningInDistrict: number;
}

/**
 * A province manager's walk through the dashboard of a big province, each step timed until what it
 * must show is there: the overview, a district's running books, their next page, one book's page.
 * Shared by test/api/province.test.ts (1,000 books) and bench:scale (40,000). Milliseconds per step.
 */
export async function walkProvince(page: Page, url: string, f: ProvinceFacts): Promise<Record<'overview' | 'filteredList' | 'nextPage' | 'bookPage', number>> {
  const timed = async (go: () => Promise<unknown>, shown: () => Promise<unknown>) => {
    const t0 = performance.now();
    await go();
    await shown();
    return performance.now() - t0;
  };
  const overview = await timed(
    () => page.goto(`${url}/`),
    () => see.text(page.getByTestId('kpi-books'), String(f.done)),
  );
  await see.count(page.getByTestId('chart-district').locator('.bar-row'), new Set(f.units.agencies.map((a) => a.districtCode)).size);
  const filteredList = await timed(
    () => page.goto(`${url}/books?district=${f.district}&status=running`),
    () => see.text(page.getByTestId('list-count'), `${f.runningInDistrict.toLocaleString('vi-VN')} sổ`),
  );
  const rows = page.getByTestId('book-table').locator('tbody tr');
  const firstPage = await rows.first().innerText();
  // The next page has rendered when its first row is another book.
  const nextPage = await timed(
    () => page.getByRole('button', { name: 'Trang sau ›' }).click(),
    () => see.notText(rows.first(), firstPage.trim()),
  );
  await see.text(page.locator('.pager'), 'Trang 2');
  const bookPage = await timed(
    () => rows.first().getByRole('link').first().click(),
    () => page.getByTestId('stepline').waitFor(),
  );
  return { overview, filteredList, nextPage, bookPage };
}
