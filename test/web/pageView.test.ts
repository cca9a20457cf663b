import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeScans } from '../../activities/scans/intake';
import type { QualitySettings } from '../../clients/config';
import { workflowIdFor } from '../../domain/book';
import { days } from '../../domain/settings';
import { actionUpdates } from '../../workflows/definitions';
import { caseName, stem } from '../scans/delivery';
import { book, users } from '../support/fixtures';
import { makePage } from '../support/pages';
import { waitForStatus } from '../support/temporal';
import { launch, signIn, type Browser } from './browser';
import { startWeb, type WebHarness } from './harness';

const quality: QualitySettings = { checks: true, minDpi: 200, maxSkewDeg: 3, duplicateDifference: 0.008, blocking: ['lowResolution', 'blank', 'duplicate'], ocr: undefined, concurrency: 2 };
const B = book({ agencyCode: '20335', bookNo: '17', yearFrom: 2017, yearTo: 2017 });
const ID = workflowIdFor(B);

let h: WebHarness;
let browser: Browser;
beforeAll(async () => {
  h = await startWeb(new Date(Date.now() + days(45)).toISOString(), { quality });
  const created = await h.api<{ items: { result: string }[] }>('manager', 'POST', '/api/registers', { items: [{ agencyCode: '20335', type: B.type, bookNo: B.bookNo, yearFrom: B.yearFrom, yearTo: B.yearTo }] });
  expect(created.body.items[0]!.result).toBe('created');
  const act = (action: 'confirmInventory' | 'scansUploaded', payload: unknown) => h.env.client.workflow.getHandle(ID).executeUpdate(actionUpdates[action], { args: [{ actor: users.admin, payload }] });
  await act('confirmInventory', { cases: 2, pages: 5, condition: 'good' });
  // Case 1: three pages, the second upside down (a warning); case 2: two pages.
  const page = (n: number, p: number, body: Buffer) => ({ name: `${stem(caseName(B, n))}/${String(p).padStart(3, '0')}.jpg`, body });
  const files = [page(1, 1, await makePage({ seed: 1 })), page(1, 2, await makePage({ seed: 2, rotate: 180 })), page(1, 3, await makePage({ seed: 3 })), page(2, 1, await makePage({ seed: 4, style: 'hand' })), page(2, 2, await makePage({ seed: 5 }))];
  const up = await intakeScans(h.store, { book: B, uploadId: 'u1', files });
  await act('scansUploaded', { uploadPrefix: up.uploadPrefix });
  await waitForStatus(h.env.client, ID, (s) => s.step === 'scan' && s.phase === 'review');
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const largeImageLoaded = (p: Page) => p.waitForFunction(() => {
  const img = document.querySelector<HTMLImageElement>('[data-testid="large-page"] img.page');
  return !!img && img.complete && img.naturalWidth > 0;
});

describe("the reviewer's page view", () => {
  it('shows the pages of a case with the findings marked; the keyboard goes to the next page and finding, and sends the scans back naming the page', async () => {
    const p = await browser.page();
    await signIn(p, h.baseUrl, h.tokens.clerk, `/books/${ID}`);
    await p.getByRole('link', { name: /Xem từng trang bản quét/ }).click();
    const t0 = Date.now();
    await largeImageLoaded(p);
    const firstPageMs = Date.now() - t0;
    console.log(`page view: first page of the case shown in ${firstPageMs} ms`);
    expect(firstPageMs).toBeLessThan(3000); // 1 s on an idle machine; the CI machine is shared

    const thumbs = p.getByRole('list', { name: 'Các trang của hồ sơ' }).getByRole('button');
    expect(await thumbs.count()).toBe(3);
    expect(await thumbs.nth(1).getAttribute('aria-label')).toBe('Trang 2 (có lỗi)');
    await expect.poll(() => p.locator('[data-testid="large-page"] h2').innerText()).toBe(`${caseName(B, 1)} — trang 1`);

    // N: the next page with a finding, its reason shown beside the large page.
    await p.keyboard.press('n');
    await expect.poll(() => p.locator('[data-testid="large-page"] h2').innerText()).toBe(`${caseName(B, 1)} — trang 2`);
    expect(await p.getByTestId('page-findings').innerText()).toContain('trang bị xoay ngược 180°');
    await largeImageLoaded(p);

    // →: on to the next page, across into the next case (its thumbnails replace the first's).
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('ArrowRight');
    await expect.poll(() => p.locator('[data-testid="large-page"] h2').innerText()).toBe(`${caseName(B, 2)} — trang 1`);
    await expect.poll(() => thumbs.count()).toBe(2);
    await p.keyboard.press('ArrowLeft');
    await expect.poll(() => p.locator('[data-testid="large-page"] h2').innerText()).toBe(`${caseName(B, 1)} — trang 3`);

    // R on the rotated page: the reason names the case and page, and the scans go back to the contractor.
    await p.keyboard.press('n');
    await expect.poll(() => p.locator('[data-testid="large-page"] h2').innerText()).toBe(`${caseName(B, 1)} — trang 2`);
    await p.keyboard.press('r');
    const reason = p.getByLabel('Lý do trả lại (mỗi dòng một lý do)');
    expect(await reason.inputValue()).toBe(`${caseName(B, 1)} trang 2: trang bị xoay ngược 180° (cần xoay 180° theo chiều kim đồng hồ để đọc)`);
    await p.getByRole('button', { name: 'Gửi trả lại' }).click();
    await p.getByRole('status').filter({ hasText: 'Đã trả lại bản quét cho nhà thầu.' }).waitFor();
    const back = await waitForStatus(h.env.client, ID, (s) => s.step === 'scan' && s.phase === 'work');
    expect(JSON.stringify(back)).toContain(`${caseName(B, 1)} trang 2: trang bị xoay ngược 180°`);
    expect(browser.cspViolations).toEqual([]);
  }, 60_000);
});
