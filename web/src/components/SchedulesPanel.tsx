import { useState } from 'preact/hooks';
import type { ScheduleAction, ScheduleRun } from '../../../contracts/v1';
import { get, post } from '../api';
import { fmtDateTime } from '../format';
import { useApp, useAsync } from '../hooks';
import { canDriveSchedules } from '../permissions';
import type { SchedulesResponse, ScheduleView } from '../types';
import { ErrorBox } from './ErrorBox';

const RUN_STATUS: Record<ScheduleRun['status'], { label: string; tone: string }> = {
  running: { label: 'đang chạy', tone: 'warn' },
  completed: { label: 'xong', tone: 'ok' },
  failed: { label: 'lỗi', tone: 'bad' },
  canceled: { label: 'đã hủy', tone: 'bad' },
  terminated: { label: 'bị dừng', tone: 'bad' },
  timedOut: { label: 'quá thời gian', tone: 'bad' },
  unknown: { label: 'không rõ', tone: '' },
};
const DONE: Record<ScheduleAction, string> = { pause: 'Đã tạm dừng', unpause: 'Đã cho chạy lại', trigger: 'Đã cho chạy ngay' };

/**
 * The Temporal Schedules on the overview: what runs when, how the last run ended, what comes next;
 * a province manager pauses, resumes or runs one now, with a reason kept in the schedule's note.
 */
export function SchedulesPanel() {
  const { me, announce } = useApp();
  const list = useAsync(() => get<SchedulesResponse>('/api/schedules'), 'schedules');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const drive = canDriveSchedules(me);

  const act = async (s: ScheduleView, action: ScheduleAction) => {
    setBusy(`${s.id}:${action}`);
    setError(undefined);
    try {
      await post<ScheduleView>(`/api/schedules/${s.id}/${action}`, reason.trim() ? { note: reason.trim() } : {});
      announce(`${DONE[action]}: ${s.label}`);
      setReason('');
      list.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section class="card" aria-labelledby="schedules-title" data-testid="schedules">
      <div class="card-head">
        <h2 id="schedules-title">Lịch chạy tự động</h2>
        <button type="button" class="btn small ghost" onClick={list.reload} disabled={list.loading}>
          Làm mới
        </button>
      </div>
      {list.error && <ErrorBox error={list.error} />}
      {error && <ErrorBox error={error} title="Không điều khiển được lịch chạy" />}
      {list.data && list.data.items.length === 0 && <p class="muted">Chưa có lịch chạy nào (API và make up tạo khi khởi động).</p>}
      {drive && list.data && list.data.items.length > 0 && (
        <div class="field">
          <label for="schedule-reason">Lý do (ghi vào ghi chú của lịch khi tạm dừng, cho chạy lại hoặc chạy ngay)</label>
          <input id="schedule-reason" type="text" maxLength={500} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </div>
      )}
      {list.data && list.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table compact">
            <thead>
              <tr>
                <th scope="col">Lịch</th>
                <th scope="col">Thời gian</th>
                <th scope="col">Lần chạy trước</th>
                <th scope="col">Lần chạy tới</th>
                {drive && <th scope="col">Điều khiển</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => {
                const run = s.lastRun && RUN_STATUS[s.lastRun.status];
                return (
                  <tr key={s.id} data-testid={`schedule-${s.id}`}>
                    <th scope="row">
                      {s.label} {s.paused && <span class="badge warn">Tạm dừng</span>}
                      {s.note && <div class="muted small">{s.note}</div>}
                    </th>
                    <td>{s.description}</td>
                    <td>
                      {s.lastRun && run ? (
                        <>
                          {fmtDateTime(s.lastRun.at)} <span class={`badge ${run.tone}`}>{run.label}</span>
                          {s.lastRun.result && <div class="muted small">{s.lastRun.result}</div>}
                        </>
                      ) : (
                        <span class="muted">chưa chạy</span>
                      )}
                    </td>
                    <td>{s.paused ? <span class="muted">tạm dừng</span> : s.nextRuns.length ? fmtDateTime(s.nextRuns[0]) : '—'}</td>
                    {drive && (
                      <td>
                        <div class="actions-row">
                          <button type="button" class="btn small" disabled={!!busy} onClick={() => void act(s, s.paused ? 'unpause' : 'pause')}>
                            {s.paused ? 'Cho chạy lại' : 'Tạm dừng'}
                          </button>
                          <button type="button" class="btn small primary" disabled={!!busy} onClick={() => void act(s, 'trigger')}>
                            {busy === `${s.id}:trigger` ? 'Đang gửi…' : 'Chạy ngay'}
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
