import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleOptions, type ScheduleSpecDescription } from '@temporalio/client';
import { decodeScheduleSpec, encodeScheduleSpec } from '@temporalio/client/lib/schedule-helpers';
import { SCHEDULES, type OverdueDigestInput, type WeeklyReportInput } from '../../contracts/v1/schedules';
import type { Config } from '../config';

export type ScheduleConfig = Pick<
  Config,
  'TEMPORAL_TASK_QUEUE' | 'SOHOA_SCHEDULE_TIME_ZONE' | 'SOHOA_DIGEST_TIME' | 'SOHOA_DIGEST_LISTED' | 'SOHOA_REPORT_DAY' | 'SOHOA_REPORT_TIME' | 'SOHOA_REMINDER_DAYS'
>;

/**
 * Runs missed while the server was down are taken when it is back within this window; the overlap
 * policy then starts one, not a burst.
 */
const policies = { overlap: 'SKIP', catchupWindow: '1 day' } as const;

/** The schedules as the config wants them. */
export function desiredSchedules(c: ScheduleConfig): ScheduleOptions[] {
  const timezone = c.SOHOA_SCHEDULE_TIME_ZONE;
  const digest: OverdueDigestInput = { timeZone: timezone, listed: c.SOHOA_DIGEST_LISTED, reminderDays: c.SOHOA_REMINDER_DAYS };
  const weekly: WeeklyReportInput = { timeZone: timezone };
  return [
    {
      scheduleId: SCHEDULES.overdueDigest.id,
      spec: { calendars: [{ ...c.SOHOA_DIGEST_TIME }], timezone },
      action: { type: 'startWorkflow', workflowType: SCHEDULES.overdueDigest.workflowType, workflowId: SCHEDULES.overdueDigest.id, taskQueue: c.TEMPORAL_TASK_QUEUE, args: [digest] },
      policies,
    },
    {
      scheduleId: SCHEDULES.weeklyReport.id,
      spec: { calendars: [{ dayOfWeek: c.SOHOA_REPORT_DAY, ...c.SOHOA_REPORT_TIME }], timezone },
      action: { type: 'startWorkflow', workflowType: SCHEDULES.weeklyReport.workflowType, workflowId: SCHEDULES.weeklyReport.id, taskQueue: c.TEMPORAL_TASK_QUEUE, args: [weekly] },
      policies,
    },
  ];
}

/** What must match for a schedule to be left as it is: its times, and the workflow it starts with which input. */
function shapeOf(spec: ScheduleSpecDescription, action: { workflowType: unknown; workflowId?: string; taskQueue?: string; args?: readonly unknown[] }, p: { overlap?: string }) {
  return JSON.stringify({
    calendars: (spec.calendars ?? []).map(({ comment: _, ...times }) => times),
    intervals: spec.intervals ?? [],
    timezone: spec.timezone ?? '',
    workflowType: action.workflowType,
    workflowId: action.workflowId,
    taskQueue: action.taskQueue,
    args: action.args ?? [],
    overlap: p.overlap,
  });
}

function differs(current: ScheduleDescription, want: ScheduleOptions): boolean {
  // The server's description is decoded from protobuf: the wanted spec goes the same way to compare.
  const wantShape = shapeOf(decodeScheduleSpec(encodeScheduleSpec(want.spec)), want.action, { overlap: want.policies?.overlap });
  return shapeOf(current.spec, current.action, { overlap: current.policies.overlap }) !== wantShape;
}

export type EnsureResult = { id: string; result: 'created' | 'updated' | 'unchanged' };

/**
 * Creates each schedule that is missing and updates one whose times or action differ from the config;
 * a paused schedule stays paused (with its note). Safe to call from every process at every start.
 */
export async function ensureSchedules(client: Client, config: ScheduleConfig): Promise<EnsureResult[]> {
  const out: EnsureResult[] = [];
  for (const want of desiredSchedules(config)) {
    const handle = client.schedule.getHandle(want.scheduleId);
    let current = await handle.describe().catch((e: unknown) => {
      if (e instanceof ScheduleNotFoundError) return undefined;
      throw e;
    });
    if (!current) {
      try {
        await client.schedule.create(want);
        out.push({ id: want.scheduleId, result: 'created' });
        continue;
      } catch (e) {
        // Another process created it meanwhile: compare with theirs.
        if (!(e instanceof ScheduleAlreadyRunning)) throw e;
        current = await handle.describe();
      }
    }
    if (!differs(current, want)) {
      out.push({ id: want.scheduleId, result: 'unchanged' });
      continue;
    }
    await handle.update((prev) => ({ ...prev, spec: want.spec, action: want.action, policies: { ...prev.policies, ...want.policies }, state: prev.state }));
    out.push({ id: want.scheduleId, result: 'updated' });
  }
  return out;
}

const DAY_VI: Record<string, string> = {
  MONDAY: 'Thứ Hai',
  TUESDAY: 'Thứ Ba',
  WEDNESDAY: 'Thứ Tư',
  THURSDAY: 'Thứ Năm',
  FRIDAY: 'Thứ Sáu',
  SATURDAY: 'Thứ Bảy',
  SUNDAY: 'Chủ nhật',
};
const ALL_WEEK = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const pad = (n: number) => String(n).padStart(2, '0');

/** A schedule's times in Vietnamese, from the server's description, e.g. "Thứ Hai hằng tuần lúc 07:00 (giờ Asia/Ho_Chi_Minh)". */
export function describeSpec(spec: ScheduleSpecDescription): string {
  const parts = (spec.calendars ?? []).map((c) => {
    const one = (r: { start: number; end: number }[]) => (r.length === 1 && r[0]!.start === r[0]!.end ? r[0]!.start : undefined);
    const [hour, minute] = [one(c.hour), one(c.minute)];
    const time = hour !== undefined && minute !== undefined ? `lúc ${pad(hour)}:${pad(minute)}` : 'nhiều lần trong ngày';
    const days = c.dayOfWeek.flatMap((r) => ALL_WEEK.slice(ALL_WEEK.indexOf(r.start), ALL_WEEK.indexOf(r.end) + 1).filter((_, i) => i % r.step === 0));
    const when = days.length === 7 ? 'Hằng ngày' : `${days.map((d) => DAY_VI[d]).join(', ')} hằng tuần`;
    return `${when} ${time}`;
  });
  if (spec.intervals?.length) parts.push(...spec.intervals.map((i) => `mỗi ${Math.round(i.every / 60_000)} phút`));
  return `${parts.join('; ') || 'không có lịch'} (giờ ${spec.timezone || 'UTC'})`;
}
