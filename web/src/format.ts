import { fromReference } from './reference';

/** Dates dd/mm/yyyy and times hh:mm in the reference's time zone (Vietnam's), whatever the browser's own zone. */
const formats = fromReference(({ timeZone }) => ({
  date: new Intl.DateTimeFormat('vi-VN', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }),
  time: new Intl.DateTimeFormat('vi-VN', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  parts: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
}));

const valid = (v: string | number | Date | null | undefined): v is string | number | Date =>
  v !== null && v !== undefined && v !== '' && !Number.isNaN(new Date(v).getTime());

export function fmtDate(v: string | number | Date | null | undefined): string {
  return valid(v) ? formats().date.format(new Date(v)) : '—';
}

/** `dd/mm/yyyy hh:mm`, the date first as people write it. */
export function fmtDateTime(v: string | number | Date | null | undefined): string {
  return valid(v) ? `${formats().date.format(new Date(v))} ${formats().time.format(new Date(v))}` : '—';
}

export function fmtNumber(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? '—' : n.toLocaleString('vi-VN');
}

export function fmtPercent(part: number, whole: number): string {
  if (!whole) return '—';
  return (part / whole).toLocaleString('vi-VN', { style: 'percent', maximumFractionDigits: 1 });
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString('vi-VN', { maximumFractionDigits: i ? 1 : 0 })} ${units[i]}`;
}

/** Whole days from now to a deadline, counted on Vietnam's calendar (negative when past). */
export function daysUntil(deadline: string | null | undefined, now = Date.now()): number | undefined {
  if (!valid(deadline)) return undefined;
  const day = (t: number) => Date.parse(`${formats().parts.format(new Date(t))}T00:00:00Z`) / 86_400_000;
  return Math.round(day(Date.parse(deadline)) - day(now));
}

export function fmtDaysLeft(days: number | undefined): string {
  if (days === undefined) return '—';
  if (days > 0) return `còn ${fmtNumber(days)} ngày`;
  if (days === 0) return 'hết hạn hôm nay';
  return `quá hạn ${fmtNumber(-days)} ngày`;
}

/** `2025-03-12` (Vietnam's date) for a date input; and back to an ISO instant at 00:00 +07:00. */
export function toDateInput(v: string | null | undefined): string {
  return valid(v) ? formats().parts.format(new Date(v)) : '';
}
export function fromDateInput(d: string): string {
  return `${d}T00:00:00+07:00`;
}
