import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fold } from '../../domain/text';
import type { QualitySettings } from '../../clients/config';
import { book } from '../support/fixtures';
import { blankPage, fieldsOf, makePage } from '../support/pages';
import { waitForStatus } from '../support/temporal';
import { driveTo } from '../api/drive';
import { startApi, type ApiHarness } from '../api/helpers';
import { caseName, stem, zipOf } from '../scans/delivery';

/** Blank, low-resolution and duplicated pages go back to the contractor; a rotated page only warns the reviewer. */
const quality: QualitySettings = { checks: true, minDpi: 200, maxSkewDeg: 3, duplicateDifference: 0.008, blocking: ['lowResolution', 'blank', 'duplicate'], ocr: { lang: 'vie' }, concurrency: 2 };

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({ quality });
});
afterAll(async () => h?.close());

describe('a delivery checked page by page through the workflow', () => {
  it('blocking pages send it back to the contractor, each named by case and page; once fixed the reviewer sees the warnings and clerks search the text', async () => {
    const b = book({ agencyCode: '20335', bookNo: '16', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'scanWork');
    const page = (n: number, p: number, body: Buffer) => ({ name: `${stem(caseName(b, n))}/${String(p).padStart(3, '0')}.jpg`, body });
    const send = async (files: { name: string; body: Buffer }[]) => {
      const r = await h.call('contractor', 'PUT', `/api/registers/${id}/scans?filename=giao.zip`, await zipOf(files), { 'content-type': 'application/zip' });
      expect(r.statusCode, r.body).toBe(200);
    };
    const first = await makePage({ seed: 1 });
    // The two cases counted at inventory.
    const files = [
      page(1, 1, first),
      page(1, 2, await makePage({ seed: 2, rotate: 180 })),
      page(1, 3, await blankPage()),
      page(2, 1, await makePage({ seed: 3, dpi: 120 })),
      page(2, 2, await makePage({ seed: 1, quality: 60 })),
    ];
    await send(files);
    const back = await waitForStatus(h.env.client, id, (s) => s.step === 'scan' && s.phase === 'work' && s.problems.length > 0);
    const lines = back.problems.map((p) => p.message);
    expect(lines).toEqual([
      expect.stringContaining('có 3 lỗi, chưa đóng gói'),
      `- ${caseName(b, 1)} trang 3: trang trắng (không thấy chữ hay nét nào)`,
      `- ${caseName(b, 2)} trang 1: độ phân giải 120 dpi, thấp hơn mức tối thiểu 200 dpi`,
      `- ${caseName(b, 2)} trang 2: trùng với ${caseName(b, 1)} trang 1 (cùng một trang được quét hai lần)`,
      `- (cảnh báo) ${caseName(b, 1)} trang 2: trang bị xoay ngược 180° (cần xoay 180° theo chiều kim đồng hồ để đọc)`,
    ]);

    // Fixed pages sent again: packaged, and the rotated page waits for the reviewer as a warning.
    files[2] = page(1, 3, await makePage({ seed: 4 }));
    files[3] = page(2, 1, await makePage({ seed: 3 }));
    files[4] = page(2, 2, await makePage({ seed: 5, style: 'hand' }));
    await send(files);
    const review = await waitForStatus(h.env.client, id, (s) => s.step === 'scan' && s.phase === 'review');
    expect(review.counts).toMatchObject({ pdfs: 2, pages: 5 });
    expect(review.problems.map((p) => [p.code, p.message])).toEqual([['pageWarning', `${caseName(b, 1)} trang 2: trang bị xoay ngược 180° (cần xoay 180° theo chiều kim đồng hồ để đọc)`]]);
    const findings = await h.call('clerk', 'GET', `/api/registers/${id}/pages/findings`);
    expect(findings.json()).toEqual({ findings: [{ case: caseName(b, 1), caseNo: 1, page: 2, code: 'rotated', blocking: false, message: review.problems[0]!.message }] });
    // The page view: every page in order with its findings, and each page's image as delivered.
    const list = (await h.call('clerk', 'GET', `/api/registers/${id}/pages`)).json() as { pages: { caseNo: number; page: number; image: boolean; findings: unknown[] }[] };
    expect(list.pages.map((p) => [p.caseNo, p.page, p.image, p.findings.length])).toEqual([[1, 1, true, 0], [1, 2, true, 1], [1, 3, true, 0], [2, 1, true, 0], [2, 2, true, 0]]);
    const image = await h.call('clerk', 'GET', `/api/registers/${id}/pages/image?caseNo=1&page=1`);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.rawPayload.equals(first)).toBe(true);
    expect((await h.call('clerk', 'GET', `/api/registers/${id}/pages/image?caseNo=1&page=9`)).statusCode).toBe(404);

    // A clerk looks for a person by name, typed without diacritics, and by a date.
    const { name, date } = fieldsOf(3);
    const byName = await h.call('clerk', 'GET', `/api/registers/${id}/pages/search?q=${encodeURIComponent(fold(name))}`);
    expect(byName.statusCode, byName.body).toBe(200);
    expect(byName.json().hits).toContainEqual(expect.objectContaining({ case: caseName(b, 2), caseNo: 2, page: 1, line: expect.stringContaining(name) }));
    const byDate = (await h.call('clerk', 'GET', `/api/registers/${id}/pages/search?q=${encodeURIComponent(date)}`)).json();
    expect(byDate.hits).toContainEqual(expect.objectContaining({ caseNo: 2, page: 1 }));
    expect((await h.call('clerk', 'GET', `/api/registers/${id}/pages/search?q=x`)).statusCode).toBe(400);
  }, 90_000);
});
