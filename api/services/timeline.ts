import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { optionalTsToDate, optionalTsToMs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import { ACTION_LABELS_VI, type ActionName } from '../../domain/actions';
import { ROLE_LABELS_VI, type Role } from '../../domain/actors';
import { STEP_LABELS_VI, type Step } from '../../domain/plan';
import type { Timeline, TimelineActor, TimelineEntry } from '../../contracts/v1';
import type { DeniedAttempt } from './deniedLog';

// The proto package is CommonJS: a default import works under both tsx and the bundlers.
type History = proto.temporal.api.history.v1.IHistory;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type TimerAttrs = proto.temporal.api.history.v1.ITimerStartedEventAttributes;
const ET = proto.temporal.api.enums.v1.EventType;

export type { Timeline, TimelineActor, TimelineEntry } from '../../contracts/v1';

const SA_LABELS: Record<string, string> = {
  SohoaStep: 'bước',
  SohoaOverdue: 'quá hạn',
  SohoaAwaitingHuman: 'chờ người',
  SohoaDeadline: 'hạn',
  SohoaRecordCount: 'số trường hợp',
  SohoaPriority: 'ưu tiên',
  SohoaAgency: 'đơn vị',
  SohoaDistrict: 'huyện',
  SohoaLevel: 'cấp',
  SohoaRegisterType: 'loại sổ',
  SohoaPeriod: 'nhóm sổ',
  SohoaYearFrom: 'năm đầu',
  SohoaFailing: 'đang lỗi',
  SohoaCustody: 'đơn vị giữ sổ',
};

const fmtDuration = (d: TimerAttrs['startToFireTimeout']) => {
  const ms = optionalTsToMs(d as never);
  if (ms === undefined) return '?';
  if (ms >= 86_400_000) return `${Math.round(ms / 86_400_000)} ngày`;
  if (ms >= 3_600_000) return `${Math.round(ms / 3_600_000)} giờ`;
  return `${Math.round(ms / 1000)} giây`;
};

function who(a: TimelineActor | null): string {
  if (!a) return 'hệ thống';
  return `${a.userId} (${ROLE_LABELS_VI[a.role as Role] ?? a.role})`;
}

/** Reads a book's event history into a timeline people can read: who did what, when, with what. */
export class TimelineBuilder {
  constructor(private readonly client: Client) {}

  private decode(p: Payload | null | undefined): unknown {
    if (!p) return undefined;
    try {
      return this.client.options.loadedDataConverter.payloadConverter.fromPayload(p);
    } catch {
      return '(không đọc được)';
    }
  }

  /** Every run of the book, oldest first (continue-as-new starts a new run with the state carried). */
  async histories(id: string, maxRuns = 50): Promise<Array<{ runId: string; history: History }>> {
    const out: Array<{ runId: string; history: History }> = [];
    let handle = this.client.workflow.getHandle(id);
    const latest = await handle.describe();
    let runId: string | undefined = latest.runId;
    while (runId && out.length < maxRuns) {
      handle = this.client.workflow.getHandle(id, runId);
      const history = await handle.fetchHistory();
      out.unshift({ runId, history });
      const start = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      runId = start?.continuedExecutionRunId || undefined;
    }
    return out;
  }

  async build(id: string, denied: DeniedAttempt[] = []): Promise<Timeline> {
    const runs = await this.histories(id);
    const entries: TimelineEntry[] = [];
    for (const { runId, history } of runs) entries.push(...this.entriesOf(runId, history.events ?? [], runs.length > 1 && runId !== runs[0]!.runId));
    for (const d of denied) {
      entries.push({
        at: d.at,
        runId: '',
        eventId: null,
        kind: 'denied',
        actor: d.actor,
        action: d.action,
        text: `Bị từ chối (${d.status}): ${d.action ? `${ACTION_LABELS_VI[d.action as ActionName] ?? d.action} — ` : ''}${who(d.actor)}: ${d.reason}`,
        error: d.reason,
        requestId: d.requestId,
      });
    }
    entries.sort((a, b) => a.at.localeCompare(b.at) || (a.eventId ?? 0) - (b.eventId ?? 0));
    const actors = new Map<string, TimelineActor>();
    for (const e of entries) if (e.actor && !actors.has(e.actor.userId)) actors.set(e.actor.userId, e.actor);
    return { id, runs: runs.map((r) => r.runId), actors: [...actors.values()], entries };
  }

  entriesOf(runId: string, events: HistoryEvent[], carried: boolean): TimelineEntry[] {
    const out: TimelineEntry[] = [];
    const updates = new Map<string, TimelineEntry>();
    const activities = new Map<number, { name: string; entry: TimelineEntry }>();
    const sa: Record<string, unknown> = {};
    const base = (e: HistoryEvent) => ({ at: optionalTsToDate(e.eventTime)?.toISOString() ?? '', runId, eventId: Number(e.eventId ?? 0) });

    for (const e of events) {
      switch (e.eventType) {
        case ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
          const a = e.workflowExecutionStartedEventAttributes!;
          const memo = Object.fromEntries(Object.entries(a.memo?.fields ?? {}).map(([k, v]) => [k, this.decode(v as Payload)]));
          for (const [k, v] of Object.entries(a.searchAttributes?.indexedFields ?? {})) sa[k] = this.decode(v as Payload);
          const input = this.decode(a.input?.payloads?.[0] as Payload) as { book?: unknown; plan?: unknown; priority?: number } | undefined;
          const createdBy = (memo.createdBy as TimelineActor | undefined) ?? null;
          out.push({
            ...base(e),
            kind: 'created',
            actor: carried ? null : createdBy,
            text: carried ? 'Tiếp tục với lịch sử mới (continue-as-new), giữ nguyên trạng thái' : `Tạo sổ: ${String(memo.title ?? '')} — ${who(createdBy)}`,
            payload: { book: input?.book, plan: input?.plan, priority: input?.priority },
          });
          break;
        }
        case ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
          const a = e.workflowExecutionUpdateAcceptedEventAttributes!;
          const name = a.acceptedRequest?.input?.name ?? '?';
          const req = this.decode(a.acceptedRequest?.input?.args?.payloads?.[0] as Payload) as
            | { actor?: TimelineActor; payload?: unknown; requestId?: string; idempotencyKey?: string }
            | undefined;
          const actor = req?.actor ? { userId: req.actor.userId, role: req.actor.role, agencyCode: req.actor.agencyCode, scope: req.actor.scope } : null;
          const entry: TimelineEntry = {
            ...base(e),
            kind: 'action',
            actor,
            action: name,
            payload: req?.payload,
            ...(req?.requestId ? { requestId: req.requestId } : {}),
            ...(req?.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
            outcome: 'pending',
            text: `${ACTION_LABELS_VI[name as ActionName] ?? name} — ${who(actor)}`,
          };
          updates.set(a.acceptedRequest?.meta?.updateId ?? a.protocolInstanceId ?? String(e.eventId), entry);
          out.push(entry);
          break;
        }
        case ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
          const a = e.workflowExecutionUpdateCompletedEventAttributes!;
          const entry = updates.get(a.meta?.updateId ?? '');
          if (!entry) break;
          if (a.outcome?.failure) {
            entry.outcome = 'failed';
            entry.error = a.outcome.failure.message ?? '';
            entry.text += ` — thất bại: ${entry.error}`;
          } else {
            entry.outcome = 'ok';
            const st = this.decode(a.outcome?.success?.payloads?.[0] as Payload) as { step?: Step } | undefined;
            if (st?.step) entry.text += ` → ${STEP_LABELS_VI[st.step] ?? st.step}`;
          }
          break;
        }
        case ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
          const a = e.activityTaskScheduledEventAttributes!;
          const name = a.activityType?.name ?? '?';
          const entry: TimelineEntry = { ...base(e), kind: 'activityScheduled', actor: null, activity: name, text: `Bắt đầu hoạt động tự động ${name}` };
          activities.set(Number(e.eventId), { name, entry });
          out.push(entry);
          break;
        }
        case ET.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
          const a = e.activityTaskStartedEventAttributes!;
          const attempt = a.attempt ?? 1;
          if (attempt > 1) {
            const name = activities.get(Number(a.scheduledEventId))?.name ?? '?';
            const last = a.lastFailure?.message;
            out.push({ ...base(e), kind: 'activityRetried', actor: null, activity: name, attempt, ...(last ? { error: last } : {}), text: `Thử lại ${name} lần ${attempt}${last ? ` (lỗi trước: ${last})` : ''}` });
          }
          break;
        }
        case ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
          const a = e.activityTaskCompletedEventAttributes!;
          const name = activities.get(Number(a.scheduledEventId))?.name ?? '?';
          out.push({ ...base(e), kind: 'activityCompleted', actor: null, activity: name, text: `Hoàn tất ${name}`, payload: summarize(this.decode(a.result?.payloads?.[0] as Payload)) });
          break;
        }
        case ET.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
          const a = e.activityTaskFailedEventAttributes!;
          const name = activities.get(Number(a.scheduledEventId))?.name ?? '?';
          const msg = a.failure?.message ?? '';
          out.push({ ...base(e), kind: 'activityFailed', actor: null, activity: name, error: msg, text: `Lỗi ${name}: ${msg}` });
          break;
        }
        case ET.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
          const a = e.activityTaskTimedOutEventAttributes!;
          const name = activities.get(Number(a.scheduledEventId))?.name ?? '?';
          out.push({ ...base(e), kind: 'activityTimedOut', actor: null, activity: name, text: `Quá thời gian: ${name}` });
          break;
        }
        case ET.EVENT_TYPE_TIMER_STARTED: {
          const a = e.timerStartedEventAttributes!;
          out.push({ ...base(e), kind: 'timerStarted', actor: null, text: `Hẹn giờ ${fmtDuration(a.startToFireTimeout)} (nhắc hạn, quá hạn hoặc nhắc việc)` });
          break;
        }
        case ET.EVENT_TYPE_TIMER_FIRED:
          out.push({ ...base(e), kind: 'timerFired', actor: null, text: 'Đến giờ hẹn' });
          break;
        case ET.EVENT_TYPE_TIMER_CANCELED:
          out.push({ ...base(e), kind: 'timerCanceled', actor: null, text: 'Hủy giờ hẹn (có thay đổi trước đó)' });
          break;
        case ET.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
          const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {};
          const changes: Record<string, { from: unknown; to: unknown }> = {};
          for (const [k, v] of Object.entries(fields)) {
            // Only the book's own attributes; Temporal's (TemporalChangeVersion for patches) are code, not state.
            if (!k.startsWith('Sohoa')) continue;
            const to = this.decode(v as Payload);
            const from = sa[k];
            if (JSON.stringify(from) !== JSON.stringify(to)) changes[k] = { from: from ?? null, to };
            sa[k] = to;
          }
          if (!Object.keys(changes).length) break;
          const parts = Object.entries(changes).map(([k, c]) => {
            const label = SA_LABELS[k] ?? k;
            const show = (v: unknown) => (k === 'SohoaStep' ? (STEP_LABELS_VI[(Array.isArray(v) ? v[0] : v) as Step] ?? String(v)) : Array.isArray(v) ? v.join(',') : String(v));
            return `${label}: ${c.from === null ? '—' : show(c.from)} → ${show(c.to)}`;
          });
          out.push({ ...base(e), kind: 'stateChanged', actor: null, changes, text: `Thay đổi: ${parts.join('; ')}` });
          break;
        }
        case ET.EVENT_TYPE_WORKFLOW_TASK_FAILED: {
          const a = e.workflowTaskFailedEventAttributes!;
          out.push({ ...base(e), kind: 'workflowTaskFailed', actor: null, error: a.failure?.message ?? '', text: `Lỗi mã workflow: ${a.failure?.message ?? ''}` });
          break;
        }
        case ET.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
          out.push({ ...base(e), kind: 'continuedAsNew', actor: null, text: 'Lịch sử đã dài: tiếp tục ở lượt chạy mới' });
          break;
        case ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
          const r = this.decode(e.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0] as Payload) as { step?: Step } | undefined;
          out.push({ ...base(e), kind: 'closed', actor: null, text: `Kết thúc: ${r?.step ? (STEP_LABELS_VI[r.step] ?? r.step) : 'hoàn thành'}` });
          break;
        }
        case ET.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
          out.push({ ...base(e), kind: 'closed', actor: null, error: e.workflowExecutionFailedEventAttributes?.failure?.message ?? '', text: `Workflow lỗi: ${e.workflowExecutionFailedEventAttributes?.failure?.message ?? ''}` });
          break;
        case ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
          out.push({ ...base(e), kind: 'closed', actor: null, text: `Bị dừng bởi quản trị Temporal: ${e.workflowExecutionTerminatedEventAttributes?.reason ?? ''}` });
          break;
        case ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
          out.push({ ...base(e), kind: 'closed', actor: null, text: 'Bị hủy' });
          break;
        default:
          break;
      }
    }
    return out;
  }
}

/** Keeps an activity's result short in the timeline. */
function summarize(v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  const s = JSON.stringify(v);
  return s.length <= 2000 ? v : `${s.slice(0, 2000)}…`;
}
