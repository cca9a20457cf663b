import { useState } from 'preact/hooks';
import { get } from '../api';
import { useAsync } from '../hooks';
import { fmtDate, fmtDateTime } from '../format';
import { actionLabel, agencyLabel, CONDITION_LABELS_VI, roleLabel, stepLabel } from '../labels';
import { ErrorBox } from './ErrorBox';

// Response shapes of the API, shared at compile time only (the page talks to the API over HTTP).
import type { Timeline, TimelineEntry } from '../../../contracts/v1';

/** People's doings first; the system's bookkeeping (timers, attribute changes) on demand. */
const PEOPLE = new Set(['created', 'action', 'denied']);
const FAILED = new Set(['denied', 'activityFailed', 'activityTimedOut', 'workflowTaskFailed']);
const SYSTEM_NOISE = new Set(['timerStarted', 'timerCanceled', 'stateChanged', 'activityScheduled']);

const KIND_LABELS: Record<string, string> = {
  created: 'Tạo sổ',
  action: 'Thao tác',
  denied: 'Bị từ chối',
  activityScheduled: 'Xếp lịch xử lý',
  activityRetried: 'Thử lại',
  activityCompleted: 'Xử lý xong',
  activityFailed: 'Xử lý lỗi',
  activityTimedOut: 'Quá thời gian',
  timerStarted: 'Đặt hẹn giờ',
  timerFired: 'Đến hẹn',
  timerCanceled: 'Hủy hẹn giờ',
  stateChanged: 'Đổi trạng thái',
  workflowTaskFailed: 'Lỗi workflow',
  continuedAsNew: 'Tiếp tục lượt mới',
  closed: 'Kết thúc',
};

/** Payload fields in Vietnamese, values as people write them (dates dd/mm/yyyy, yes/no, labels). */
const FIELD_LABELS: Record<string, string> = {
  cases: 'số trường hợp',
  pages: 'số trang',
  condition: 'tình trạng',
  repairNeeded: 'cần tu bổ',
  note: 'ghi chú',
  uploadPrefix: 'thư mục tải lên',
  declaredPdfs: 'số PDF khai báo',
  declaredPages: 'số trang khai báo',
  excelKey: 'tệp Excel',
  sha256: 'sha256',
  records: 'số dòng',
  batchRef: 'mã lô C06',
  reasons: 'lý do',
  backTo: 'trả về bước',
  entered: 'đã nhập',
  complete: 'đã xong',
  imported: 'đã nhập CSDLHTĐT',
  failed: 'lỗi',
  deadline: 'hạn mới',
  reason: 'lý do',
  priority: 'mức ưu tiên',
  text: 'nội dung',
};

function valueText(key: string, v: unknown): string {
  if (typeof v === 'boolean') return v ? 'có' : 'không';
  if (Array.isArray(v)) return v.map((x) => valueText(key, x)).join('; ');
  if (key === 'deadline' && typeof v === 'string') return fmtDate(v);
  if (key === 'backTo' && typeof v === 'string') return stepLabel(v);
  if (key === 'condition' && typeof v === 'string') return CONDITION_LABELS_VI[v as keyof typeof CONDITION_LABELS_VI] ?? v;
  if (key === 'sha256' && typeof v === 'string') return `${v.slice(0, 12)}…`;
  if (key === 'excelKey' && typeof v === 'string') return v.split('/').pop() ?? v;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

function payloadText(p: unknown): string | undefined {
  if (p === undefined || p === null) return undefined;
  if (typeof p !== 'object') return String(p);
  const entries = Object.entries(p as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== '');
  if (!entries.length) return undefined;
  return entries.map(([k, v]) => `${FIELD_LABELS[k] ?? k}: ${valueText(k, v)}`).join(' · ');
}

/** The automatic work of the workflow, named for people. */
const ACTIVITY_LABELS: Record<string, string> = {
  packageScans: 'đóng gói bản quét (PDF, zip, bảng kê)',
  validateExcel: 'kiểm tra tệp Excel',
  submitImport: 'gửi dữ liệu nhập CSDLHTĐT',
  computeAcceptance: 'tính số liệu nghiệm thu',
  notify: 'gửi thông báo',
  reconcileC06: 'đối chiếu dữ liệu C06',
};
const readable = (e: TimelineEntry) => (e.activity && ACTIVITY_LABELS[e.activity] ? e.text.split(e.activity).join(ACTIVITY_LABELS[e.activity]!) : e.text);

/** The book's history as people read it: who did what, when; refusals too (they never reach Temporal's history). */
export function TimelineView({ id }: { id: string }) {
  const [all, setAll] = useState(false);
  const t = useAsync(() => get<Timeline>(`/api/registers/${encodeURIComponent(id)}/history`), id);
  const entries = (t.data?.entries ?? []).filter((e) => all || !(SYSTEM_NOISE.has(e.kind) || (e.kind === 'activityCompleted' && e.activity === 'notify')));
  return (
    <section class="card" aria-labelledby="timeline-title" data-testid="timeline">
      <div class="card-head">
        <h2 id="timeline-title">Lịch sử</h2>
        <div class="actions-row">
          <label class="inline small">
            <input type="checkbox" checked={all} onChange={(e) => setAll((e.target as HTMLInputElement).checked)} /> Hiện cả sự kiện hệ thống
          </label>
          <button type="button" class="btn small" onClick={t.reload} disabled={t.loading}>
            Làm mới
          </button>
        </div>
      </div>
      {t.error && <ErrorBox error={t.error} />}
      {t.loading && !t.data && <p class="loading">Đang tải lịch sử…</p>}
      {t.data && (
        <ol class="timeline">
          {entries.map((e, i) => {
            const who = e.actor ? `${e.actor.userId} (${roleLabel(e.actor.role)}${e.actor.agencyCode ? `, ${agencyLabel(e.actor.agencyCode)}` : ''})` : 'Hệ thống';
            const detail = e.kind === 'action' || e.kind === 'denied' ? payloadText(e.payload) : undefined;
            const textHasWho = !!e.actor && e.text.includes(e.actor.userId);
            return (
              <li key={`${e.runId}-${e.eventId ?? 'x'}-${i}`} class={`tl ${e.kind} ${FAILED.has(e.kind) || e.outcome === 'failed' ? 'failed' : ''} ${PEOPLE.has(e.kind) ? 'person' : 'system'}`}>
                <time dateTime={e.at}>{fmtDateTime(e.at)}</time>
                <div class="tl-body">
                  <div class="tl-head">
                    <span class={`badge ${FAILED.has(e.kind) || e.outcome === 'failed' ? 'bad' : e.kind === 'action' ? 'ok' : ''}`}>{e.action ? actionLabel(e.action) : (KIND_LABELS[e.kind] ?? e.kind)}</span>
                    {e.actor && !textHasWho && <span class="tl-who">{who}</span>}
                  </div>
                  <p>{readable(e)}</p>
                  {detail && <p class="tl-detail">{detail}</p>}
                  {e.error && !e.text.includes(e.error) && <p class="tl-detail bad-text">{e.error}</p>}
                </div>
              </li>
            );
          })}
          {entries.length === 0 && <li class="muted">Chưa có sự kiện nào.</li>}
        </ol>
      )}
    </section>
  );
}
