import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionName } from '../../../../contracts/v1';
import { useApp } from '../../hooks';
import { actionLabel, phaseLabel, stepLabel } from '../../labels';
import type { ActionResponse, BookStatus } from '../../types';
import { ErrorBox } from '../ErrorBox';
import { ActionForm } from './ActionForm';
import { ACTION_FORMS } from './forms';

/**
 * The buttons of the actions this user may take now, each opening its form. The server's answer
 * replaces the book's status; a refusal shows the server's message.
 */
export function ActionPanel({ status, actions, onStatus, onStale }: { status: BookStatus; actions: ActionName[]; onStatus: (s: BookStatus) => void; onStale: () => void }) {
  const [open, setOpen] = useState<ActionName | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [stale, setStale] = useState<Error | undefined>();
  // When the automatic work after an action sends the step back, the "done" notice no longer holds.
  const lastPhase = useRef(status.phase);
  useEffect(() => {
    if (lastPhase.current === 'processing' && status.phase === 'work') setNotice(undefined);
    lastPhase.current = status.phase;
  }, [status.phase]);
  const { announce } = useApp();
  const primary = (a: ActionName) => ACTION_FORMS[a].primary === true;
  const sorted = [...actions].sort((a, b) => Number(primary(b)) - Number(primary(a)));

  const done = (action: ActionName, r: ActionResponse) => {
    setOpen(undefined);
    setStale(undefined);
    const text = r.unchanged ? `Không có gì thay đổi: ${r.message ?? ''}` : `Đã thực hiện: ${actionLabel(action)}.`;
    setNotice(text);
    announce(text);
    if (r.status) onStatus(r.status);
  };

  /** The book changed under the user's feet (409): keep the server's message, show the book as it is now. */
  const refused = (err: Error) => {
    setOpen(undefined);
    setStale(err);
    onStale();
  };
  const noticeBox = (
    <>
      {notice && (
        <p class="alert ok" role="status" data-testid="action-notice">
          {notice}
        </p>
      )}
      {stale && <ErrorBox error={stale} title="Không thực hiện được – sổ đã thay đổi, trang đã cập nhật theo trạng thái mới" />}
      {status.phase === 'processing' && (
        <p class="alert info" role="status" data-testid="processing">
          Hệ thống đang tự xử lý bước {stepLabel(status.step)} (đóng gói, kiểm tra…). Trang sẽ tự cập nhật khi xong.
        </p>
      )}
      {status.phase === 'work' && status.problems.some((p) => p.step === status.step) && (
        <p class="alert warn" role="status">
          Bước {stepLabel(status.step)} chưa đạt: xem mục «Vấn đề cần xử lý» bên dưới, sửa rồi làm lại.
        </p>
      )}
    </>
  );
  // After an action the book may wait for someone else: the notice stays, the buttons go.
  if (!actions.length) {
    return (
      <>
        {noticeBox}
        {status.phase !== 'closed' && status.phase !== 'processing' && (
          <p class="muted no-actions" data-testid="no-actions">
            Bạn không có thao tác nào với sổ này ở bước hiện tại ({stepLabel(status.step)}, {phaseLabel(status.phase)}).
          </p>
        )}
      </>
    );
  }
  return (
    <>
      {noticeBox}
      <section class="card actions-card" aria-labelledby="actions-title" data-testid="actions">
        <h2 id="actions-title">Việc bạn có thể làm</h2>
        <div class="actions-row wrap">
          {sorted.map((a) => (
            <button
              key={a}
              type="button"
              class={`btn ${primary(a) ? 'primary' : ''} ${open === a ? 'pressed' : ''}`}
              aria-expanded={open === a}
              aria-controls={`form-${a}`}
              data-action={a}
              onClick={() => {
                setNotice(undefined);
                setOpen(open === a ? undefined : a);
              }}
            >
              {actionLabel(a)}
            </button>
          ))}
        </div>
        {open && (
          <div id={`form-${open}`} class="action-form">
            <ActionForm key={open} action={open} status={status} onDone={(r) => done(open, r)} onRefused={refused} onCancel={() => setOpen(undefined)} />
          </div>
        )}
      </section>
    </>
  );
}
