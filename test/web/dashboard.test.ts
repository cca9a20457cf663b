import { PDFDocument } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSchema, workflowIdFor } from '../../domain/book';
import type { BookStatus } from '../../domain/bookState';
import { units } from '../support/fixtures';

const findAgency = units.findAgency;
import { days, TIME_ZONE } from '../../domain/settings';
import { demoBooks, loadDemo } from '../../scripts/lib/demo';
import { ensureSchedules } from '../../clients/temporal/schedules';
import { sampleCases } from '../../clients/samples';
import { makeJpeg } from '../support/images';
import { launch, see, shot, signIn, type Browser } from './browser';
import { eventually, PEOPLE, planSettingsFromConfig, startWeb, type WebHarness } from './harness';

/** What the page must show for a date: dd/mm/yyyy in Vietnam's time, whatever the browser's zone. */
const viDate = (iso: string) => new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));
const viDateTime = (iso: string) => `${viDate(iso)} ${new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))}`;

interface ProgressRow {
  key: string;
  books: number;
  done: number;
  overdue: number;
  awaitingHuman: number;
}
interface ListBody {
  items: { id: string; overdue: boolean; priority: number | null; step: string }[];
  total?: number;
}

let h: WebHarness;
let browser: Browser;
/** The book the clerk and the contractor take from inventory to the Excel step. */
const NEW_BOOK = bookSchema.parse({ agency: findAgency('20335'), type: 'birth', bookNo: '05', yearFrom: 2019, yearTo: 2019, expectedCases: 3 });
const NEW_ID = workflowIdFor(NEW_BOOK);

beforeAll(async () => {
  h = await startWeb(new Date(Date.now() + days(45)).toISOString());
  // The demo province: 37 books of all levels, some done, some overdue (their first wave's deadline passed).
  await loadDemo(h.env.client, h.store, h.taskQueue, planSettingsFromConfig(h.config), Date.now(), units);
  await ensureSchedules(h.env.client, h.config);
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const status = async (id: string) => (await h.api<BookStatus>('manager', 'GET', `/api/registers/${id}`)).body;

/** Real scans: one PDF per case, named by the convention, two pages of ~120 kB JPEG each. */
async function scanFiles() {
  return Promise.all(
    sampleCases(NEW_BOOK, 3).map(async (c, i) => {
      const doc = await PDFDocument.create();
      for (let p = 0; p < 2; p++) {
        const img = await doc.embedJpg(makeJpeg({ width: 620, height: 877, seed: i * 10 + p + 1, padTo: 120_000 }));
        doc.addPage([595, 842]).drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
      }
      return { name: c.name, mimeType: 'application/pdf', buffer: Buffer.from(await doc.save()) };
    }),
  );
}

async function openFromQueue(page: Page, title: string, work: string, screenshot?: string) {
  await page.goto(`${h.baseUrl}/queue`);
  const row = page.getByTestId('queue-table').locator('tbody tr', { hasText: title });
  await see.visible(row.getByText(work));
  if (screenshot) await shot(page, screenshot);
  await row.getByRole('link', { name: title }).click();
  await page.getByTestId('book-page').waitFor();
}

describe('dashboard in a real browser, against the real API, worker and Temporal', () => {
  it('is served by the API: any page path gives the app, API paths and missing files stay 404', async () => {
    const page = await fetch(`${h.baseUrl}/books/${NEW_ID}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<html lang="vi">');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(h.baseUrl + asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${h.baseUrl}/assets/nope.js`)).status).toBe(404);
    const api = await fetch(`${h.baseUrl}/api/nope`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: string }).error).toBe('NotFound');
    expect((await fetch(`${h.baseUrl}/api/registers`)).status).toBe(401);
    expect((await fetch(`${h.baseUrl}/docs/json`)).status).toBe(200);
  });

  it('a manager sees the province overview and drills into an overdue book, then extends it', async () => {
    const page = await browser.page();
    await signIn(page, h.baseUrl, h.tokens.manager);
    await see.text(page.getByTestId('who'), 'Nguyễn Thị Hạnh');
    await see.text(page.getByTestId('who'), 'Quản lý dự án');
    // The province is the reference's (the deployment's units), not written into the page.
    await see.text(page.getByTestId('who'), 'Toàn tỉnh Quảng Nam');
    await see.text(page.locator('.brand'), 'Tỉnh Quảng Nam');

    const byStep = (await h.api<{ rows: ProgressRow[]; total: ProgressRow }>('manager', 'GET', '/api/reports/progress?by=step')).body;
    expect(byStep.total.overdue).toBeGreaterThan(0);
    await see.text(page.getByTestId('kpi-overdue'), String(byStep.total.overdue));
    await see.text(page.getByTestId('kpi-books'), `${byStep.total.done}`);
    await see.text(page.getByTestId('kpi-waiting'), String(byStep.total.awaitingHuman));
    // A chart per district and per register type, one bar per row of the report.
    const byDistrict = (await h.api<{ rows: ProgressRow[] }>('manager', 'GET', '/api/reports/progress?by=district')).body;
    await see.count(page.getByTestId('chart-district').locator('.bar-row'), byDistrict.rows.length);
    await see.visible(page.getByTestId('chart-type').getByRole('link', { name: /^Khai sinh:/ }));
    await see.text(page.getByTestId('kpi-deadline'), viDate(h.config.SOHOA_PLAN_DEADLINE));
    await see.text(page.getByTestId('kpi-deadline'), /còn 4[45] ngày/);
    // The schedules: what runs when; a province manager runs the digest now, the reason kept in its note.
    const digest = page.getByTestId('schedule-sohoa-overdue-digest');
    await see.text(digest, 'Hằng ngày lúc 07:30 (giờ Asia/Ho_Chi_Minh)');
    await see.text(page.getByTestId('schedule-sohoa-weekly-report'), 'Thứ Hai hằng tuần lúc 07:00');
    await page.getByLabel(/^Lý do/).fill('Kiểm tra trước giao ban');
    await digest.getByRole('button', { name: 'Chạy ngay' }).click();
    await see.text(digest, /Chạy ngay: quanly\.tinh lúc .* — Kiểm tra trước giao ban/);
    await see.text(digest, /đang chạy|xong/);
    await shot(page, '01-manager-overview');
    // The acceptance minutes of the books done, as the API builds them (.xlsx).
    const [minutes] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải biên bản nghiệm thu (.xlsx)' }).click()]);
    expect(minutes.suggestedFilename()).toMatch(/^bien-ban-nghiem-thu-\d{8}\.xlsx$/);
    expect((await readFile((await minutes.path())!)).subarray(0, 2).toString()).toBe('PK');

    // Every number clicks through to the books behind it.
    await page.getByTestId('kpi-overdue').click();
    await page.waitForURL(/\/books\?.*overdue=true/);
    await see.exactText(page.getByTestId('list-count'), `${byStep.total.overdue} sổ`);
    const rows = page.getByTestId('book-table').locator('tbody tr');
    await see.count(rows, byStep.total.overdue);
    await see.count(rows.filter({ hasText: 'Quá hạn' }), byStep.total.overdue);
    await shot(page, '02-manager-overdue-list');
    // The current view as CSV: one line per book, Vietnamese intact.
    const [csvFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Xuất CSV' }).click()]);
    const csv = await readFile((await csvFile.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('Mã sổ,Loại sổ,Số quyển');
    expect(lines).toHaveLength(byStep.total.overdue + 1);
    expect(lines.slice(1).every((l) => /^reg-/.test(l) && l.includes(',có,'))).toBe(true);

    const link = rows.first().locator('a.book-link');
    await link.click();
    await page.getByTestId('book-page').waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const before = await status(id);
    expect(before.overdue).toBe(true);
    await see.visible(page.getByTestId('overdue-badge'));
    await see.text(page.getByRole('heading', { level: 2, name: 'Hạn' }).locator('..'), viDate(before.deadline));
    await see.visible(page.getByTestId('stepline').locator('[aria-current="step"]'));
    await shot(page, '03-manager-overdue-book');

    // The manager may extend the deadline (a form with a date and a reason); the book is no longer overdue.
    await page.getByRole('button', { name: 'Gia hạn', exact: true }).click();
    await page.getByLabel('Lý do').fill('Gia hạn theo kế hoạch điều chỉnh của tỉnh');
    await page.locator('form[data-form="extendDeadline"]').getByRole('button', { name: 'Gia hạn' }).click();
    await see.text(page.getByTestId('action-notice'), 'Đã thực hiện: Gia hạn');
    await see.count(page.getByTestId('overdue-badge'), 0);
    const after = await status(id);
    expect(after.overdue).toBe(false);
    expect(after.extendedDeadline).toBeDefined();
    await see.text(page.getByTestId('timeline'), 'quanly.tinh');
    await page.close();
  });

  it('a manager runs a bulk action on the filtered list: the confirmation counts the books, the result is per book', async () => {
    const page = await browser.page();
    await signIn(page, h.baseUrl, h.tokens.manager, '/books?district=503');
    const running = (await h.api<ListBody>('manager', 'GET', '/api/registers?district=503&status=running&offset=0&pageSize=200')).body;
    expect(running.total).toBeGreaterThan(1);
    await page.getByTestId('bulk').locator('summary').click();
    const bulk = page.getByTestId('bulk');
    await bulk.getByLabel('Thao tác', { exact: true }).selectOption('setPriority');
    await bulk.getByLabel(/Mức ưu tiên/).selectOption('1');
    await page.getByRole('button', { name: 'Xem lại…' }).click();
    const dialog = page.getByTestId('bulk-dialog');
    await see.text(dialog.getByTestId('bulk-count'), `${running.total} sổ`);
    await shot(page, '04-manager-bulk-confirm');
    await dialog.getByRole('button', { name: `Thực hiện cho ${running.total} sổ` }).click();
    const results = dialog.getByTestId('bulk-results');
    await see.count(results.locator('tbody tr'), running.total!);
    await see.count(results.locator('tbody tr', { hasText: 'Đã thực hiện' }), running.total!);
    await shot(page, '05-manager-bulk-results');
    await dialog.getByRole('button', { name: 'Đóng' }).click();
    const after = await eventually(
      async () => (await h.api<ListBody>('manager', 'GET', '/api/registers?district=503&status=running&offset=0&pageSize=200')).body,
      (b) => b.items.every((x) => x.priority === 1),
    );
    expect(after.items.map((x) => x.id).sort()).toEqual(running.items.map((x) => x.id).sort());
    await page.close();
  });

  it('a rejected action shows the server’s message', async () => {
    const page = await browser.page();
    // A demo book of a district office still with its old unit, waiting at an early step.
    const id = workflowIdFor(demoBooks(units).find((b) => b.slot === 'D2' && b.book.type === 'parentChild')!.book);
    await signIn(page, h.baseUrl, h.tokens.manager, `/books/${id}`);
    await page.getByRole('button', { name: 'Đặt mức ưu tiên' }).click();
    await page.getByLabel(/Mức ưu tiên/).selectOption('5');
    // Meanwhile someone else withdraws the book.
    const w = await h.api('manager', 'POST', `/api/registers/${id}/actions/withdraw`, { reason: 'Sổ trùng, đã số hóa ở đợt trước' });
    expect(w.status).toBe(200);
    const answer = page.waitForResponse((r) => r.url().includes(`/api/registers/${id}/actions/setPriority`));
    await page.locator('form[data-form="setPriority"]').getByRole('button', { name: 'Đặt mức ưu tiên' }).click();
    const res = await answer;
    expect(res.status()).toBe(409);
    const body = (await res.json()) as { message: string };
    await see.text(page.getByTestId('error'), body.message.slice(1, 40));
    await shot(page, '06-rejected-action');
    await page.close();
  });

  it('a manager adds a book to the plan through the page', async () => {
    const page = await browser.page();
    await signIn(page, h.baseUrl, h.tokens.manager, '/books');
    const form = page.getByTestId('new-books');
    await form.locator('summary').click();
    await form.getByLabel('Đơn vị lưu giữ sổ').selectOption('20335');
    await form.getByLabel('Loại sổ', { exact: true }).selectOption('birth');
    await form.getByLabel('Số quyển', { exact: true }).fill('05');
    await form.getByLabel('Năm đầu').fill('2019');
    await form.getByLabel('Số trường hợp dự kiến').fill('3');
    await page.getByRole('button', { name: 'Thêm sổ', exact: true }).click();
    const result = page.getByTestId('new-books-result');
    await see.text(result, '1 sổ mới');
    await see.visible(result.getByRole('link', { name: NEW_ID }));
    await shot(page, '07-manager-new-book');
    // A second time the same book is "existing", never a second workflow.
    await page.getByRole('button', { name: 'Thêm sổ', exact: true }).click();
    await see.text(result, '0 sổ mới, 1 sổ đã có');
    await result.getByRole('link', { name: NEW_ID }).click();
    await page.getByTestId('book-page').waitFor();
    await see.text(page.getByTestId('stepline').locator('[aria-current="step"]'), 'Rà soát, thống kê');
    await page.close();
  });

  it('a clerk confirms the inventory, a contractor uploads the scans with a progress bar, the clerk approves them', async () => {
    const clerk = await browser.page();
    await signIn(clerk, h.baseUrl, h.tokens.clerk);
    await clerk.waitForURL(/\/queue$/);
    await openFromQueue(clerk, 'KS quyển 05 (2019)', 'Xác nhận rà soát, thống kê');
    await clerk.getByRole('button', { name: 'Xác nhận rà soát, thống kê' }).click();
    await see.value(clerk.getByLabel('Số trường hợp trong sổ'), '3');
    await clerk.getByLabel('Số trang').fill('6');
    await clerk.getByLabel('Tình trạng sổ').selectOption('worn');
    await clerk.locator('form[data-form="confirmInventory"]').getByRole('button', { name: 'Xác nhận rà soát, thống kê' }).click();
    await see.text(clerk.getByTestId('stepline').locator('[aria-current="step"]'), 'Số hóa (quét PDF)');
    // The clerk could also report the scans; the contractor does it here.

    const contractor = await browser.page();
    await signIn(contractor, h.baseUrl, h.tokens.contractor);
    await contractor.waitForURL(/\/queue$/);
    await openFromQueue(contractor, 'KS quyển 05 (2019)', 'Báo đã tải bản quét', '08-contractor-queue');
    await contractor.getByRole('button', { name: 'Báo đã tải bản quét' }).click();
    const files = await scanFiles();
    await contractor.locator('#scan-files').setInputFiles(files);
    await see.text(contractor.getByTestId('scan-files-picked'), 'Đã chọn 3 tệp');
    await contractor.getByLabel('Số tệp PDF (nếu biết)').fill('3');
    await contractor.getByLabel('Số trang (nếu biết)').fill('6');
    // A slow line, so the upload's progress bar is seen moving.
    const cdp = await contractor.context().newCDPSession(contractor);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await contractor.getByRole('button', { name: 'Tải lên và báo hoàn thành' }).click();
    const bar = contractor.getByTestId('upload-progress');
    await see.visible(bar);
    await see.text(bar, /Đang tải lên .* \/ .*\(\d+%\)/);
    await shot(contractor, '09a-contractor-uploading');
    await see.text(contractor.getByTestId('action-notice'), 'Đã thực hiện: Báo đã tải bản quét', 30_000);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    // The workflow packages the scans on its own, then waits for the clerk's review.
    await see.text(contractor.locator('.step-badge').first(), 'chờ duyệt', 30_000);
    await see.text(contractor.getByTestId('artifacts'), 'Tệp nén các PDF');
    await see.text(contractor.getByTestId('counts'), 'Số tệp PDF');
    await see.count(contractor.getByTestId('actions'), 0);
    await shot(contractor, '09b-contractor-uploaded');

    // A folder of page images (one folder per case) keeps its layout: the page zips it before sending.
    // First only 2 of the 12 cases the inventory counted: the workflow sends the step back with the problem.
    const kh = bookSchema.parse({ agency: findAgency('20335'), type: 'marriage', bookNo: '01', yearFrom: 2017, yearTo: 2017 });
    const khId = workflowIdFor(kh);
    const delivery = async (cases: number) => {
      const folder = join(await mkdtemp(join(tmpdir(), 'sohoa-giao-')), 'giao-hang');
      for (const [i, c] of sampleCases(kh, cases).entries()) {
        const dir = join(folder, c.name.replace(/\.pdf$/, ''));
        await mkdir(dir, { recursive: true });
        for (const p of [1, 2]) await writeFile(join(dir, `00${p}.jpg`), makeJpeg({ width: 620, height: 877, seed: 100 + i * 2 + p, padTo: 30_000 }));
      }
      return folder;
    };
    await contractor.goto(`${h.baseUrl}/books/${khId}`);
    await contractor.getByRole('button', { name: 'Báo đã tải bản quét' }).click();
    await contractor.getByLabel('Chọn thư mục').setInputFiles(await delivery(2));
    await see.text(contractor.getByTestId('scan-files-picked'), 'Đã chọn 4 tệp');
    await contractor.getByRole('button', { name: 'Tải lên và báo hoàn thành' }).click();
    await see.text(contractor.getByTestId('problems'), 'thiếu hồ sơ số 03', 30_000);
    await see.text(contractor.locator('.step-badge').first(), 'chờ thực hiện');
    await shot(contractor, '09c-contractor-scan-problems');
    await contractor.getByRole('button', { name: 'Báo đã tải bản quét' }).click();
    await contractor.getByLabel('Chọn thư mục').setInputFiles(await delivery(12));
    await see.text(contractor.getByTestId('scan-files-picked'), 'Đã chọn 24 tệp');
    await contractor.getByRole('button', { name: 'Tải lên và báo hoàn thành' }).click();
    await see.text(contractor.locator('.step-badge').first(), 'chờ duyệt', 30_000);
    await see.count(contractor.getByTestId('problems'), 0);
    const packaged = await status(khId);
    expect(packaged).toMatchObject({ step: 'scan', phase: 'review' });
    expect(packaged.counts).toMatchObject({ pdfs: 12, pages: 24 });

    await openFromQueue(clerk, 'KS quyển 05 (2019)', 'Duyệt', '10-clerk-queue');
    await clerk.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await clerk.getByLabel('Ghi chú (không bắt buộc)').fill('Bản quét rõ, đủ trang');
    await clerk.locator('form[data-form="approve"]').getByRole('button', { name: 'Duyệt' }).click();
    await see.text(clerk.getByTestId('stepline').locator('[aria-current="step"]'), 'Dữ liệu C06 bàn giao');
    await see.text(clerk.getByTestId('timeline'), 'nhathau.tamky');
    await shot(clerk, '11-clerk-approved');
    const s = await status(NEW_ID);
    expect(s.step).toBe('c06');
    expect(s.reviews.at(-1)).toMatchObject({ userId: PEOPLE.clerk.userId, decision: 'approved', note: 'Bản quét rõ, đủ trang' });
    expect(s.actions.map((a) => [a.action, a.userId])).toEqual([
      ['confirmInventory', PEOPLE.clerk.userId],
      ['scansUploaded', PEOPLE.contractor.userId],
      ['approve', PEOPLE.clerk.userId],
    ]);
    await clerk.close();
    await contractor.close();
  });

  it('a clerk adds a note through the form and sees it on the book page, newest first, with who, when and at which step', async () => {
    const earlier = await h.api('manager', 'POST', `/api/registers/${NEW_ID}/actions/addNote`, { text: 'Ưu tiên hoàn thành trong tháng này' });
    expect(earlier.status).toBe(200);
    const page = await browser.page();
    await signIn(page, h.baseUrl, h.tokens.clerk, `/books/${NEW_ID}`);
    const notes = page.getByTestId('notes').locator('li');
    await see.count(notes, 1);
    await page.getByRole('button', { name: 'Ghi chú', exact: true }).click();
    const text = 'Trang 12 bị rách góc,\nđã dán lại trước khi quét';
    await page.getByLabel('Nội dung ghi chú').fill(text);
    await page.locator('form[data-form="addNote"]').getByRole('button', { name: 'Ghi chú' }).click();
    await see.text(page.getByTestId('action-notice'), 'Đã thực hiện: Ghi chú');
    await see.count(notes, 2);
    const mine = (await status(NEW_ID)).notes.at(-1)!;
    expect(mine).toMatchObject({ userId: PEOPLE.clerk.userId, role: 'clerk', agencyCode: '20335', step: 'c06', text });
    // Newest first: the clerk's note, then the manager's.
    await see.text(notes.nth(0), 'Trang 12 bị rách góc');
    await see.text(notes.nth(0), `${PEOPLE.clerk.userId} (Công chức tư pháp, ${findAgency('20335')!.name})`);
    await see.text(notes.nth(0), `${viDateTime(mine.at)} · bước Dữ liệu C06 bàn giao`);
    await see.text(notes.nth(1), 'Ưu tiên hoàn thành trong tháng này');
    await see.text(notes.nth(1), `${PEOPLE.manager.userId} (Quản lý dự án`);
    await shot(page, '11b-clerk-note');
    await page.close();
  });

  it('a clerk of another agency sees neither the book nor its buttons', async () => {
    const page = await browser.page();
    await signIn(page, h.baseUrl, h.tokens.otherClerk);
    await page.waitForURL(/\/queue$/);
    await see.visible(page.getByTestId('queue-count'));
    await see.count(page.getByText('KS quyển 05 (2019)'), 0);
    await page.goto(`${h.baseUrl}/books?q=05`);
    await see.notText(page.getByTestId('list-count'), 'Đang tải…');
    await see.count(page.getByTestId('book-table').locator(`a[href="/books/${NEW_ID}"]`), 0);
    await page.goto(`${h.baseUrl}/books/${NEW_ID}`);
    await see.text(page.getByTestId('error'), 'Không có quyền xem sổ này');
    await see.text(page.getByTestId('error'), 'ngoài phạm vi');
    await see.count(page.getByTestId('actions'), 0);
    await see.count(page.getByRole('button', { name: 'Duyệt' }), 0);
    await see.count(page.getByTestId('timeline'), 0);
    await shot(page, '12-other-clerk-denied');
    await page.close();
  });

  it('an auditor reads the timeline, runs a replay and downloads the raw history', async () => {
    const page = await browser.page();
    await signIn(page, h.baseUrl, h.tokens.auditor, `/books/${NEW_ID}`);
    const timeline = page.getByTestId('timeline');
    await see.text(timeline, 'congchuc.tanthanh');
    await see.text(timeline, 'nhathau.tamky');
    await see.visible(timeline.locator('li', { hasText: 'Báo đã tải bản quét' }).first());
    await see.visible(timeline.locator('li', { hasText: 'Duyệt' }).first());
    // Auditors read everything and change nothing.
    await see.count(page.getByTestId('actions'), 0);
    await shot(page, '13-auditor-timeline');

    await page.getByRole('link', { name: 'Chạy lại lịch sử (replay)' }).click();
    await page.waitForURL(/\/audit\?ids=/);
    await page.getByTestId('replay-selected').click();
    const results = page.getByTestId('replay-results');
    await see.visible(results, 60_000);
    await see.text(page.getByTestId('replay-summary'), '1 khớp');
    await see.text(page.getByTestId('replay-summary'), '0 không tất định');
    await shot(page, '14-auditor-replay');

    const [download] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Tải lịch sử gốc' }).click()]);
    const history = JSON.parse(await readFile((await download.path())!, 'utf8')) as { events: { eventType: string }[] };
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${NEW_ID}\\.[0-9a-f-]+\\.history\\.json$`));
    expect(history.events[0]!.eventType).toMatch(/WORKFLOW_EXECUTION_STARTED/);

    // The schedules on the overview: read, not driven.
    await page.goto(`${h.baseUrl}/`);
    await see.text(page.getByTestId('schedule-sohoa-weekly-report'), 'Báo cáo tiến độ hằng tuần theo huyện');
    await see.count(page.getByTestId('schedules').getByRole('button', { name: 'Chạy ngay' }), 0);
    await page.close();
  });

  it('reads well on a tablet and is usable with the keyboard', async () => {
    const page = await browser.page({ width: 820, height: 1180 });
    await page.goto(h.baseUrl);
    await shot(page, '00-tablet-sign-in');
    // The token field has the focus from the start: type, Enter.
    await see.exactText(page.locator(':focus').locator('xpath=preceding-sibling::label[1]'), 'Mã truy cập');
    await page.keyboard.type(h.tokens.manager);
    await page.keyboard.press('Enter');
    await page.getByTestId('kpi-overdue').waitFor();
    await shot(page, '15-tablet-overview');
    // The first Tab reaches the skip link, the next ones the navigation: real links, visible focus.
    await page.keyboard.press('Tab');
    await see.exactText(page.locator(':focus'), 'Bỏ qua, đến nội dung chính');
    await page.keyboard.press('Tab');
    await see.exactText(page.locator(':focus'), 'Việc cần làm');
    await page.goto(`${h.baseUrl}/books/${NEW_ID}`);
    await page.getByTestId('book-page').waitFor();
    await shot(page, '16-tablet-book');
    await page.close();
  });

  it('runs under the content security policy: the API docs render too, and no page of this file had anything blocked', async () => {
    const page = await browser.page();
    const res = await page.goto(`${h.baseUrl}/docs/`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await see.visible(page.getByText('sohoa — số hóa sổ hộ tịch').first());
    await page.close();
    // A refused sign-in shows its message under the same policy.
    const bad = await browser.page();
    await bad.goto(h.baseUrl);
    await bad.getByLabel('Mã truy cập').fill('khong-phai-ma-that-khong-phai-ma-that');
    await bad.getByRole('button', { name: 'Đăng nhập' }).click();
    await see.text(bad.locator('.signin-card'), 'Không đăng nhập được');
    await bad.close();
    expect(browser.cspViolations).toEqual([]);
  });
});
