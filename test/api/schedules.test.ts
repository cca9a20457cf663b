import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULES, type ScheduleView } from '../../contracts/v1';
import { TEMPORAL_CLI } from '../../clients/paths';
import { ensureSchedules } from '../../clients/temporal/schedules';
import { startBook } from '../../clients/temporal/startBook';
import { planSettingsSchema } from '../../domain/settings';
import { localDay } from '../../domain/schedules';
import { actionUpdates } from '../../workflows/definitions';
import { WEEKLY_HEADER_ROW } from '../../activities/schedules/weeklyWorkbook';
import { book, users } from '../support/fixtures';
import { eventually, scheduleView, startApi, triggerSchedule, type ApiHarness } from './helpers';

const PAST = planSettingsSchema.parse({ deadline: '2025-01-01T00:00:00+07:00' });
const FUTURE = planSettingsSchema.parse({ deadline: '2099-01-01T00:00:00+07:00' });
const DIGEST = SCHEDULES.overdueDigest.id;
const WEEKLY = SCHEDULES.weeklyReport.id;

let h: ApiHarness;
const ids: Record<string, string> = {};

/** Tân Thạnh (20335, Tam Kỳ 502): 3 overdue books, 1 on time, 1 withdrawn; Minh An (20398, Hội An 503): 2 overdue. */
beforeAll(async () => {
  h = await startApi({ config: { SOHOA_DIGEST_LISTED: '2' } });
  const start = async (name: string, agencyCode: string, bookNo: string, plan: typeof PAST, expectedCases: number) => {
    ids[name] = (await startBook(h.env.client, h.config.TEMPORAL_TASK_QUEUE, book({ agencyCode, bookNo, expectedCases }), plan)).id;
  };
  await Promise.all([
    start('a1', '20335', '71', PAST, 10),
    start('a2', '20335', '72', PAST, 10),
    start('a3', '20335', '73', PAST, 10),
    start('a4', '20335', '74', FUTURE, 10),
    start('a5', '20335', '75', FUTURE, 0),
    start('b1', '20398', '76', PAST, 5),
    start('b2', '20398', '77', PAST, 5),
  ]);
  await h.env.client.workflow.getHandle(ids.a5!).executeUpdate(actionUpdates.withdraw, { args: [{ actor: users.manager, payload: { reason: 'Sổ trùng' } }] });
  // Visibility is eventually consistent: wait until it shows what the runs will read.
  await eventually(
    async () => [(await h.env.client.workflow.count('SohoaOverdue = true')).count, (await h.env.client.workflow.count('SohoaStep = "withdrawn"')).count],
    ([overdue, withdrawn]) => overdue === 5 && withdrawn === 1,
  );
}, 120_000);
afterAll(async () => h?.close());

const view = (id: string) => scheduleView(h, id);
const triggerAndWait = (id: string) => triggerSchedule(h, id);

describe('Temporal Schedules: the daily overdue digest and the weekly report per district', () => {
  it('ensureSchedules twice leaves exactly two schedules with the configured times; temporal schedule list shows them', async () => {
    expect(await ensureSchedules(h.env.client, h.config)).toEqual([
      { id: DIGEST, result: 'created' },
      { id: WEEKLY, result: 'created' },
    ]);
    expect((await ensureSchedules(h.env.client, h.config)).map((r) => r.result)).toEqual(['unchanged', 'unchanged']);

    const digest = await h.env.client.schedule.getHandle(DIGEST).describe();
    expect(digest.spec.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(digest.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7 }], minute: [{ start: 30, end: 30 }] });
    expect(digest.action).toMatchObject({ workflowType: 'overdueDigest', taskQueue: h.config.TEMPORAL_TASK_QUEUE, args: [{ timeZone: 'Asia/Ho_Chi_Minh', listed: 2 }] });
    const weekly = await h.env.client.schedule.getHandle(WEEKLY).describe();
    expect(weekly.spec.calendars?.[0]).toMatchObject({ dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY' }], hour: [{ start: 7, end: 7 }] });

    const { stdout } = await promisify(execFile)(TEMPORAL_CLI, ['schedule', 'list', '--address', h.env.address, '--output', 'json']);
    const listed = (JSON.parse(stdout) as { scheduleId: string }[]).map((s) => s.scheduleId).sort();
    expect(listed).toEqual([DIGEST, WEEKLY]);

    // A changed setting updates the schedule in place, and a paused one stays paused.
    await h.env.client.schedule.getHandle(WEEKLY).pause('bảo trì');
    const changed = { ...h.config, SOHOA_REPORT_DAY: 'FRIDAY' as const };
    expect((await ensureSchedules(h.env.client, changed)).map((r) => r.result)).toEqual(['unchanged', 'updated']);
    const after = await h.env.client.schedule.getHandle(WEEKLY).describe();
    expect(after.spec.calendars?.[0]?.dayOfWeek).toEqual([{ start: 'FRIDAY', end: 'FRIDAY', step: 1 }]);
    expect(after.state).toMatchObject({ paused: true, note: 'bảo trì' });
    await ensureSchedules(h.env.client, h.config);
    await h.env.client.schedule.getHandle(WEEKLY).unpause();
  });

  it('the API shows each schedule to managers and auditors; only a province manager pauses, unpauses or triggers, with the reason in its note', async () => {
    const list = await h.call('auditor', 'GET', '/api/schedules');
    expect(list.statusCode).toBe(200);
    const digest = list.json().items.find((s: ScheduleView) => s.id === DIGEST);
    expect(digest).toMatchObject({ label: 'Tổng hợp sổ quá hạn hằng ngày', description: 'Hằng ngày lúc 07:30 (giờ Asia/Ho_Chi_Minh)', paused: false });
    expect(digest.nextRuns).toHaveLength(3);
    expect((await view(WEEKLY)).description).toBe('Thứ Hai hằng tuần lúc 07:00 (giờ Asia/Ho_Chi_Minh)');
    expect((await h.call('districtManager', 'GET', '/api/schedules')).statusCode).toBe(200);

    expect((await h.call('clerk', 'GET', '/api/schedules')).statusCode).toBe(403);
    for (const who of ['clerk', 'auditor', 'districtManager', 'contractor'] as const) {
      expect((await h.call(who, 'POST', `/api/schedules/${DIGEST}/pause`, { note: 'thử' })).statusCode, who).toBe(403);
    }
    expect((await h.call('manager', 'POST', '/api/schedules/khong-co/pause', {})).statusCode).toBe(400);

    const paused = await h.call('manager', 'POST', `/api/schedules/${DIGEST}/pause`, { note: 'Tạm dừng trong đợt kiểm tra' });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ paused: true, note: expect.stringMatching(/^Tạm dừng: quanly\.tinh lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} — Tạm dừng trong đợt kiểm tra$/) });
    expect((await h.env.client.schedule.getHandle(DIGEST).describe()).state.paused).toBe(true);
    const resumed = await h.call('manager', 'POST', `/api/schedules/${DIGEST}/unpause`);
    expect(resumed.json()).toMatchObject({ paused: false, note: expect.stringMatching(/^Cho chạy lại: quanly\.tinh/) });
  });

  it('the digest writes one notice per agency listing its overdue books; re-triggered the same day it writes nothing new', async () => {
    const run = await triggerAndWait(DIGEST);
    const day = localDay(new Date().toISOString(), 'Asia/Ho_Chi_Minh');
    expect(run.lastRun?.result).toBe(`ngày ${day.split('-').reverse().join('/')}: 5 sổ quá hạn ở 2 đơn vị, 2 thông báo mới`);

    const digests = (await h.outbox.list()).filter((n) => n.kind === 'overdueDigest');
    expect(digests.map((n) => n.id).sort()).toEqual([`overdue-digest:20335:${day}`, `overdue-digest:20398:${day}`]);
    const tanThanh = digests.find((n) => n.agencyCode === '20335')!;
    expect(tanThanh.workflowIds?.sort()).toEqual([ids.a1, ids.a2, ids.a3].sort());
    const lines = tanThanh.message.split('\n');
    expect(lines[0]).toMatch(/^QUÁ HẠN \(ngày \d{2}\/\d{2}\/\d{4}\): UBND phường Tân Thạnh có 3 sổ quá hạn chưa hoàn thành:$/);
    expect(lines[1]).toMatch(/^- Sổ đăng ký khai sinh quyển 71 .*: bước Rà soát, thống kê, hạn 01\/01\/2025$/);
    expect(lines.slice(3)).toEqual(['và 1 sổ khác']);
    expect(digests.find((n) => n.agencyCode === '20398')!.message).not.toContain('sổ khác');
    // No book wrote an overdue notice of its own.
    expect((await h.outbox.list()).filter((n) => n.kind === 'overdue')).toEqual([]);
    // The province manager sees both; Tân Thạnh's clerk only theirs, also when asking by book.
    const mine = await h.call('clerk', 'GET', `/api/notices?kind=overdueDigest&bookId=${ids.a2}`);
    expect(mine.json().items.map((n: { id: string }) => n.id)).toEqual([tanThanh.id]);

    const again = await triggerAndWait(DIGEST);
    expect(again.lastRun?.result).toMatch(/2 đơn vị, 0 thông báo mới$/);
    expect((await h.outbox.list()).filter((n) => n.kind === 'overdueDigest')).toEqual(digests);
  });

  it('the weekly report writes one workbook per district with its counts, and a notice to the district naming the file', async () => {
    const run = await triggerAndWait(WEEKLY);
    const day = localDay(new Date().toISOString(), 'Asia/Ho_Chi_Minh');
    expect(run.lastRun?.result).toMatch(/: 2 tệp báo cáo cho 2 huyện \(7 sổ\), 2 thông báo mới$/);
    const files = await h.store.list(`reports/weekly/${day}`);
    expect(files.map((f) => f.key)).toEqual([
      `reports/weekly/${day}/bao-cao-tien-do-502-${day}.xlsx`,
      `reports/weekly/${day}/bao-cao-tien-do-503-${day}.xlsx`,
    ]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await h.store.getBuffer(files[0]!.key)) as never);
    const bySteps = wb.getWorksheet('Theo bước')!;
    expect(bySteps.getCell('A1').value).toBe('BÁO CÁO TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH — THÀNH PHỐ TAM KỲ');
    const header = bySteps.getRow(WEEKLY_HEADER_ROW).values as unknown[];
    expect(header.slice(1)).toEqual(['Bước', 'Số sổ', 'Số trường hợp', 'Số trang', 'Hoàn thành', 'Đang thực hiện', 'Quá hạn', 'Tỷ lệ hoàn thành (%)']);
    const row = (n: number) => (bySteps.getRow(WEEKLY_HEADER_ROW + n).values as unknown[]).slice(1);
    expect(row(1)).toEqual(['Rà soát, thống kê', 4, 40, 0, 0, 4, 3, 0]);
    expect(row(2)).toEqual(['Đã rút', 1, 0, 0, 0, 0, 0, 0]);
    expect(row(3)).toEqual(['Tổng cộng', 5, 40, 0, 0, 4, 3, 0]);
    const byType = wb.getWorksheet('Theo loại sổ')!;
    expect(byType.getCell(`A${WEEKLY_HEADER_ROW + 1}`).value).toBe('Sổ đăng ký khai sinh');
    expect(byType.getCell(`B${WEEKLY_HEADER_ROW + 1}`).value).toBe(5);

    const notices = (await h.outbox.list(['49', '502'])).filter((n) => n.kind === 'weeklyReport');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ agencyCode: '502', file: { key: files[0]!.key, sha256: files[0]!.sha256, bytes: files[0]!.bytes } });
    expect(notices[0]!.message).toMatch(/^Báo cáo tiến độ tuần đến ngày \d{2}\/\d{2}\/\d{4} của Thành phố Tam Kỳ: 5 sổ, 0 hoàn thành \(0%\), 4 đang thực hiện, 3 quá hạn\. Tệp: reports\/weekly\//);
    const dm = await h.call('districtManager', 'GET', '/api/notices?kind=weeklyReport');
    expect(dm.json().items.map((n: { districtCode: string }) => n.districtCode)).toEqual(['502']);
  });

  it('a district manager lists and downloads the weekly reports of their district; another district’s file is 404, as if there were none', async () => {
    const day = localDay(new Date().toISOString(), 'Asia/Ho_Chi_Minh');
    const mine = `bao-cao-tien-do-502-${day}.xlsx`;
    const theirs = `bao-cao-tien-do-503-${day}.xlsx`;
    const list = await h.call('districtManager', 'GET', '/api/reports/weekly');
    expect(list.statusCode, list.body).toBe(200);
    const stored = (await h.store.head(`reports/weekly/${day}/${mine}`))!;
    expect(list.json().items).toEqual([{ day, districtCode: '502', districtName: 'Thành phố Tam Kỳ', file: mine, bytes: stored.bytes, sha256: stored.sha256 }]);
    // The province's manager sees every district's.
    expect((await h.call('manager', 'GET', '/api/reports/weekly')).json().items.map((i: { file: string }) => i.file)).toEqual([mine, theirs]);

    const file = await h.call('districtManager', 'GET', `/api/reports/weekly/${mine}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('spreadsheetml');
    expect(file.headers['content-disposition']).toContain(mine);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as never);
    expect(wb.getWorksheet('Theo bước')!.getCell('A1').value).toBe('BÁO CÁO TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH — THÀNH PHỐ TAM KỲ');

    for (const name of [theirs, `bao-cao-tien-do-502-2000-01-03.xlsx`, '..%2F..%2Fusers.json']) {
      const r = await h.call('districtManager', 'GET', `/api/reports/weekly/${name}`);
      expect(r.statusCode, name).toBe(404);
    }
    expect((await h.call('clerk', 'GET', '/api/reports/weekly')).statusCode).toBe(403);
  });
});
