import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import {
  overdueDigestResultSchema,
  SCHEDULES,
  scheduleIds,
  weeklyReportResultSchema,
  type Actor,
  type ScheduleAction,
  type ScheduleId,
  type ScheduleRun,
  type ScheduleView,
} from '../../contracts/v1';
import { describeSpec } from '../../clients/temporal/schedules';
import { dayVi, localDateTime } from '../../domain/schedules';
import { notFound } from '../errors';
import { mapTemporalError } from './books';

const LABELS = Object.fromEntries(Object.values(SCHEDULES).map((s) => [s.id, s.labelVi])) as Record<ScheduleId, string>;
const VERBS: Record<ScheduleAction, string> = { pause: 'Tạm dừng', unpause: 'Cho chạy lại', trigger: 'Chạy ngay' };
const STATUS: Record<string, ScheduleRun['status']> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'canceled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timedOut',
};

/** What a finished run did, in a line. */
function summaryOf(id: ScheduleId, result: unknown): string | undefined {
  if (id === SCHEDULES.overdueDigest.id) {
    const r = overdueDigestResultSchema.safeParse(result);
    if (!r.success) return undefined;
    const reminder = r.data.planReminder && `; nhắc hạn kế hoạch (còn ${r.data.planReminder.daysLeft} ngày): ${r.data.planReminder.books} sổ ở ${r.data.planReminder.agencies} đơn vị`;
    return `ngày ${dayVi(r.data.day)}: ${r.data.books} sổ quá hạn ở ${r.data.agencies} đơn vị, ${r.data.written} thông báo mới${reminder ?? ''}`;
  }
  const r = weeklyReportResultSchema.safeParse(result);
  return r.success ? `ngày ${dayVi(r.data.day)}: ${r.data.files.length} tệp báo cáo cho ${r.data.districts} huyện (${r.data.books} sổ), ${r.data.written} thông báo mới` : undefined;
}

/** The innermost message of a failure (a run's failure wraps the activity's, which wraps the cause). */
function rootMessage(e: unknown): string {
  let m = e as { message?: string; cause?: unknown } | undefined;
  while (m?.cause) m = m.cause as typeof m;
  return (m?.message ?? String(e)).slice(0, 500);
}

/** The schedules as the API shows and drives them: Temporal holds them, this only reads and asks. */
export class ScheduleService {
  constructor(
    readonly client: Client,
    readonly timeZone: string,
  ) {}

  /** Every schedule that exists (one not yet created is left out). */
  async list(): Promise<ScheduleView[]> {
    const views = await Promise.all(scheduleIds.map((id) => this.view(id).catch((e: unknown) => (e instanceof ScheduleNotFoundError ? undefined : Promise.reject(e)))));
    return views.filter((v) => v !== undefined);
  }

  async view(id: ScheduleId): Promise<ScheduleView> {
    const d = await this.client.schedule.getHandle(id).describe();
    return {
      id,
      label: LABELS[id],
      description: describeSpec(d.spec),
      timeZone: d.spec.timezone || 'UTC',
      paused: d.state.paused,
      ...(d.state.note ? { note: d.state.note } : {}),
      lastRun: await this.lastRun(id, d),
      nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
      actionsTaken: d.info.numActionsTaken,
    };
  }

  private async lastRun(id: ScheduleId, d: ScheduleDescription): Promise<ScheduleRun | null> {
    const last = d.info.recentActions.at(-1);
    if (!last) return null;
    const { workflowId, firstExecutionRunId } = last.action.workflow;
    const handle = this.client.workflow.getHandle(workflowId, firstExecutionRunId);
    const run = { at: last.takenAt.toISOString(), workflowId };
    // A run older than the namespace's retention is gone: its time is still known.
    const described = await handle.describe().catch(() => undefined);
    const status = (described && STATUS[described.status.name]) ?? 'unknown';
    if (status === 'completed') {
      const result = summaryOf(id, await handle.result());
      return { ...run, status, ...(result ? { result } : {}) };
    }
    if (status === 'failed') return { ...run, status, result: await handle.result().then(() => '', rootMessage) };
    return { ...run, status };
  }

  /** Pauses, unpauses or triggers a schedule; who, when and why go into its note. Answers its new view. */
  async act(id: ScheduleId, action: ScheduleAction, actor: Actor, reason?: string): Promise<ScheduleView> {
    const handle = this.client.schedule.getHandle(id);
    const note = `${VERBS[action]}: ${actor.userId} lúc ${localDateTime(new Date().toISOString(), this.timeZone)}${reason ? ` — ${reason}` : ''}`.normalize('NFC');
    try {
      if (action === 'pause') await handle.pause(note);
      else if (action === 'unpause') await handle.unpause(note);
      else {
        // A trigger has no note of its own: the schedule's note records it, its paused state unchanged.
        await handle.update((prev) => ({ ...prev, state: { ...prev.state, note } }));
        await handle.trigger();
      }
      return await this.view(id);
    } catch (e) {
      throw scheduleError(e, id);
    }
  }
}

/** An unknown schedule is 404; other Temporal errors as every route maps them. */
export function scheduleError(e: unknown, id: string): unknown {
  if (e instanceof ScheduleNotFoundError) return notFound(`lịch "${id}" chưa được tạo (API và make up tạo khi khởi động)`);
  return mapTemporalError(e);
}
