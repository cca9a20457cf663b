import { useState } from 'preact/hooks';
import { get, post } from '../api';
import { fmtDate, fmtNumber, fromDateInput } from '../format';
import { useApp } from '../hooks';
import { actionLabel } from '../labels';
import type { BulkJobView, BulkResult, JobAccepted, ListResponse } from '../types';
import { shortTitleOfId } from './bookId';
import { Dialog } from './Dialog';
import { ErrorBox } from './ErrorBox';
import type { Filters } from './Filters';
import { PriorityOptions } from './PriorityOptions';

export type BulkTarget =
  | { kind: 'ids'; ids: string[]; label: string; resolve?: () => Promise<string[]> }
  | { kind: 'filter'; filter: Filters; label: string };

const BULK_ACTIONS = ['extendDeadline', 'setPlanDeadline', 'setPriority', 'approve', 'withdraw'] as const;
type BulkAction = (typeof BULK_ACTIONS)[number];

/** What the dialog shows of the job; before its first poll only the accepted total is known. */
type JobProgress = Pick<BulkJobView, 'state' | 'total' | 'done' | 'summary' | 'results'>;

const RESULT_LABELS: Record<BulkResult['result'], string> = { done: 'Đã thực hiện', unchanged: 'Không thay đổi', refused: 'Bị từ chối' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Bulk actions of the API on the selection or on the whole filtered list. The confirmation says how
 * many books the action touches; the result is shown per book.
 */
export function BulkPanel({ target, selectedCount, onDone }: { target: BulkTarget; selectedCount: number; onDone: () => void }) {
  const { announce } = useApp();
  const [action, setAction] = useState<BulkAction>('extendDeadline');
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const [priority, setPriority] = useState('2');
  const [note, setNote] = useState('');
  const [stage, setStage] = useState<'idle' | 'counting' | 'confirm' | 'running' | 'finished'>('idle');
  const [count, setCount] = useState<{ n: number; ids?: string[] }>({ n: 0 });
  const [job, setJob] = useState<JobProgress | undefined>();
  const [error, setError] = useState<Error | undefined>();

  const payload = (): Record<string, unknown> => {
    switch (action) {
      case 'extendDeadline':
      case 'setPlanDeadline':
        return { deadline: date ? fromDateInput(date) : '', reason };
      case 'setPriority':
        return { priority: Number(priority) };
      case 'approve':
        return note ? { note } : {};
      case 'withdraw':
        return { reason };
    }
  };

  const review = async () => {
    setError(undefined);
    setStage('counting');
    try {
      if (target.kind === 'ids') {
        const ids = target.resolve ? await target.resolve() : target.ids;
        setCount({ n: ids.length, ids });
      } else {
        const r = await get<ListResponse>('/api/registers', { ...target.filter, status: 'running', pageSize: 1, offset: 0 });
        setCount({ n: r.total ?? r.items.length });
      }
      setStage('confirm');
    } catch (e) {
      setError(e as Error);
      setStage('idle');
    }
  };

  const run = async () => {
    setError(undefined);
    setStage('running');
    try {
      const body = { ...(target.kind === 'ids' ? { ids: count.ids ?? target.ids } : { filter: target.filter }), payload: payload() };
      const accepted = await post<JobAccepted>(`/api/bulk/${action}`, body);
      setJob({ state: 'running', total: accepted.total, done: 0, summary: {} });
      for (;;) {
        const j = await get<BulkJobView>(`/api/bulk/${accepted.jobId}`);
        setJob(j);
        if (j.state !== 'running') {
          if (j.state === 'failed') throw new Error(j.error ?? 'thao tác hàng loạt thất bại');
          announce(`Xong: ${fmtNumber(j.summary.done ?? 0)} sổ đã thực hiện, ${fmtNumber(j.summary.refused ?? 0)} sổ bị từ chối.`);
          break;
        }
        await sleep(400);
      }
      setStage('finished');
    } catch (e) {
      setError(e as Error);
      setStage('confirm');
    }
  };

  const close = () => {
    const finished = stage === 'finished';
    setStage('idle');
    setJob(undefined);
    if (finished) onDone();
  };

  const needsDate = action === 'extendDeadline' || action === 'setPlanDeadline';
  const needsReason = needsDate || action === 'withdraw';
  const what = selectedCount ? `${fmtNumber(selectedCount)} sổ đã chọn` : target.label;

  return (
    <details class="bulk card" data-testid="bulk">
      <summary>Thao tác hàng loạt · {what}</summary>
      <form
        class="bulk-form"
        onSubmit={(e) => {
          e.preventDefault();
          void review();
        }}
      >
        <div class="field">
          <label for="bulk-action">Thao tác</label>
          <select id="bulk-action" value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value as BulkAction)}>
            {BULK_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
        </div>
        {needsDate && (
          <div class="field">
            <label for="bulk-date">{action === 'extendDeadline' ? 'Hạn mới' : 'Hạn kế hoạch mới'}</label>
            <input id="bulk-date" type="date" required value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />
          </div>
        )}
        {action === 'setPriority' && (
          <div class="field">
            <label for="bulk-priority">Mức ưu tiên (1 cao nhất – 5 thấp nhất)</label>
            <select id="bulk-priority" value={priority} onChange={(e) => setPriority((e.target as HTMLSelectElement).value)}>
              <PriorityOptions />
            </select>
          </div>
        )}
        {needsReason && (
          <div class="field grow">
            <label for="bulk-reason">Lý do</label>
            <input id="bulk-reason" type="text" required minLength={action === 'withdraw' ? 3 : 1} maxLength={1000} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </div>
        )}
        {action === 'approve' && (
          <div class="field grow">
            <label for="bulk-note">Ghi chú (không bắt buộc)</label>
            <input id="bulk-note" type="text" maxLength={1000} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
          </div>
        )}
        <div class="field end">
          <button type="submit" class="btn primary" disabled={stage === 'counting'}>
            {stage === 'counting' ? 'Đang đếm sổ…' : 'Xem lại…'}
          </button>
        </div>
      </form>
      {error && stage === 'idle' && <ErrorBox error={error} />}

      <Dialog open={stage === 'confirm' || stage === 'running' || stage === 'finished'} title={`${actionLabel(action)} – thao tác hàng loạt`} onClose={close} testid="bulk-dialog">
        {stage === 'confirm' && (
          <>
            <p class="confirm-count" data-testid="bulk-count">
              Thao tác «{actionLabel(action)}» sẽ áp dụng cho <strong>{fmtNumber(count.n)} sổ</strong> ({what}).
            </p>
            <ul class="plain">
              {needsDate && <li>Hạn mới: {fmtDate(fromDateInput(date))}</li>}
              {action === 'setPriority' && <li>Mức ưu tiên: {priority}</li>}
              {needsReason && <li>Lý do: {reason}</li>}
              {action === 'approve' && note && <li>Ghi chú: {note}</li>}
            </ul>
            <p class="muted">Mỗi sổ được kiểm tra lại (vai trò, phạm vi, bước); sổ không hợp lệ sẽ bị từ chối kèm lý do, các sổ khác vẫn được thực hiện.</p>
            {error && <ErrorBox error={error} />}
            <div class="dialog-actions">
              <button type="button" class="btn ghost" onClick={close}>
                Hủy
              </button>
              <button type="button" class="btn primary" onClick={() => void run()} disabled={count.n === 0}>
                Thực hiện cho {fmtNumber(count.n)} sổ
              </button>
            </div>
          </>
        )}
        {(stage === 'running' || stage === 'finished') && job && (
          <>
            <progress max={Math.max(1, job.total)} value={job.done} aria-label="Tiến độ thao tác hàng loạt" />
            <p aria-live="polite">
              {stage === 'running' ? 'Đang thực hiện' : 'Đã xong'}: {fmtNumber(job.done)}/{fmtNumber(job.total)} sổ
              {stage === 'finished' && (
                <>
                  {' '}
                  — <strong>{fmtNumber(job.summary.done ?? 0)}</strong> đã thực hiện, <strong>{fmtNumber(job.summary.unchanged ?? 0)}</strong> không thay đổi,{' '}
                  <strong>{fmtNumber(job.summary.refused ?? 0)}</strong> bị từ chối.
                </>
              )}
            </p>
            {job.results && (
              <div class="table-wrap results">
                <table class="table compact" data-testid="bulk-results">
                  <thead>
                    <tr>
                      <th scope="col">Sổ</th>
                      <th scope="col">Kết quả</th>
                      <th scope="col">Lý do</th>
                    </tr>
                  </thead>
                  <tbody>
                    {job.results.map((r) => (
                      <tr key={r.id} class={r.result}>
                        <td>
                          <a href={`/books/${encodeURIComponent(r.id)}`} target="_blank" rel="noopener">
                            {shortTitleOfId(r.id)}
                          </a>
                        </td>
                        <td>
                          <span class={`badge ${r.result === 'done' ? 'ok' : r.result === 'refused' ? 'bad' : ''}`}>{RESULT_LABELS[r.result]}</span>
                        </td>
                        <td>{r.reason ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <div class="dialog-actions">
              <button type="button" class="btn primary" onClick={close} disabled={stage === 'running'}>
                Đóng
              </button>
            </div>
          </>
        )}
      </Dialog>
    </details>
  );
}
