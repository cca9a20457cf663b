import type { Agency, Notice, ProgressRow, RegisterSummary } from '../contracts/v1';
import { STEP_LABELS_VI } from './plan';
import { formatDateVi } from './settings';

/**
 * What the scheduled runs write: the daily digest of an agency's overdue books and the notice of a
 * district's weekly report. Ids are stable per unit and day, so a retried or re-triggered run of the
 * same day writes each once.
 */

/** yyyy-mm-dd of an instant in a time zone (the day a scheduled run is for). */
export function localDay(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** yyyy-mm-dd as Vietnamese write it: dd/mm/yyyy. */
export const dayVi = (day: string) => day.split('-').reverse().join('/');

/** Most overdue first, then by title. */
function byDeadline(a: RegisterSummary, b: RegisterSummary): number {
  return (a.deadline ?? '').localeCompare(b.deadline ?? '') || (a.title ?? a.id).localeCompare(b.title ?? b.id, 'vi');
}

/** One notice to an agency about some of its books, in this order: the first `listed` a line each, then how many more. */
function agencyDigest(agency: Agency, books: readonly RegisterSummary[], o: { id: string; kind: Notice['kind']; listed: number; at: string; head: string; line: (b: RegisterSummary) => string }): Notice {
  const lines = books.slice(0, o.listed).map(o.line);
  const more = books.length - o.listed;
  if (more > 0) lines.push(`và ${more} sổ khác`);
  return {
    id: o.id,
    kind: o.kind,
    workflowIds: books.map((b) => b.id),
    agencyCode: agency.code,
    districtCode: agency.districtCode,
    provinceCode: agency.provinceCode,
    message: `${o.head}:\n${lines.join('\n')}`.normalize('NFC'),
    createdAt: o.at,
  };
}

const stepVi = (b: RegisterSummary) => (b.step ? STEP_LABELS_VI[b.step] : 'không rõ');

/** One agency's overdue open books in one notice: the first `listed` by name, step and deadline, then how many more. */
export function overdueDigestNotice(agency: Agency, books: readonly RegisterSummary[], o: { day: string; listed: number; at: string }): Notice {
  const sorted = [...books].sort(byDeadline);
  return agencyDigest(agency, sorted, {
    ...o,
    id: `overdue-digest:${agency.code}:${o.day}`,
    kind: 'overdueDigest',
    head: `QUÁ HẠN (ngày ${dayVi(o.day)}): ${agency.name} có ${sorted.length} sổ quá hạn chưa hoàn thành`,
    line: (b) => `- ${b.title ?? b.id}: bước ${stepVi(b)}, hạn ${b.deadline ? formatDateVi(b.deadline) : 'không rõ'}`,
  });
}

/**
 * One agency's open books that follow the province plan, on a reminder day of its deadline: one notice
 * for all of them (the plan's 30 and 7 days, not one reminder a book).
 */
export function planReminderNotice(agency: Agency, books: readonly RegisterSummary[], o: { day: string; listed: number; at: string; deadline: string; daysLeft: number }): Notice {
  const sorted = [...books].sort((a, b) => (a.title ?? a.id).localeCompare(b.title ?? b.id, 'vi'));
  return agencyDigest(agency, sorted, {
    ...o,
    id: `plan-reminder:${agency.code}:${o.day}`,
    kind: 'deadlineReminder',
    head: `Nhắc hạn (ngày ${dayVi(o.day)}): còn ${o.daysLeft} ngày đến hạn kế hoạch ${formatDateVi(o.deadline)}; ${agency.name} có ${sorted.length} sổ chưa hoàn thành`,
    line: (b) => `- ${b.title ?? b.id}: bước ${stepVi(b)}`,
  });
}

/** Where a district's weekly report of a day is kept in the artifact store. */
export const weeklyReportKey = (day: string, districtCode: string) => `reports/weekly/${day}/bao-cao-tien-do-${districtCode}-${day}.xlsx`;
export const WEEKLY_REPORTS_PREFIX = 'reports/weekly/';

/** The day and district of a weekly report from its file name (the key's last part); undefined for any other name. */
export function weeklyReportOf(fileName: string): { day: string; districtCode: string; key: string } | undefined {
  const m = /^bao-cao-tien-do-([0-9A-Za-z]{1,10})-(\d{4}-\d{2}-\d{2})\.xlsx$/.exec(fileName);
  return m ? { districtCode: m[1]!, day: m[2]!, key: weeklyReportKey(m[2]!, m[1]!) } : undefined;
}

/** The notice to a district's manager naming its weekly report (the district's own office is its agency). */
export function weeklyReportNotice(
  district: { code: string; name: string; provinceCode: string },
  total: ProgressRow,
  file: { key: string; sha256: string; bytes: number },
  o: { day: string; at: string },
): Notice {
  const percent = total.percentDone.toLocaleString('vi-VN');
  const message =
    `Báo cáo tiến độ tuần đến ngày ${dayVi(o.day)} của ${district.name}: ${total.books} sổ, ${total.done} hoàn thành (${percent}%), ` +
    `${total.inProgress} đang thực hiện, ${total.overdue} quá hạn. Tệp: ${file.key} (sha256 ${file.sha256}).`;
  return {
    id: `weekly-report:${district.code}:${o.day}`,
    kind: 'weeklyReport',
    agencyCode: district.code,
    districtCode: district.code,
    provinceCode: district.provinceCode,
    message: message.normalize('NFC'),
    file,
    createdAt: o.at,
  };
}

/** dd/mm/yyyy HH:MM of an instant in a time zone (notes kept on a schedule). */
export function localDateTime(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}
