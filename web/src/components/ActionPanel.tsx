import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionName } from '../../../domain/actions';
import type { Step } from '../../../domain/plan';
import { ApiFailure, download, post, upload, type UploadProgress } from '../api';
import { fmtBytes, fmtDate, fmtNumber, fromDateInput, toDateInput } from '../format';
import { zipStore } from '../zip';
import { useApp } from '../hooks';
import { actionLabel, CONDITION_LABELS_VI, phaseLabel, REGISTER_TYPES, stepLabel } from '../labels';
import type { BookStatus } from '../types';
import { DropZone, type PickedFile } from './DropZone';
import { ErrorBox } from './ErrorBox';
import { PriorityOptions } from './PriorityOptions';

interface ActionResponse {
  unchanged: boolean;
  message?: string;
  status?: BookStatus;
}

const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
const int = (s: string) => (s.trim() === '' ? undefined : Number(s));

/** Actions that move the book on are shown first and stronger than deadline or priority changes. */
const PRIMARY: readonly ActionName[] = ['confirmInventory', 'scansUploaded', 'excelUploaded', 'c06Received', 'manualEntryProgress', 'importConfirmed', 'approve'];

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
  const sorted = [...actions].sort((a, b) => Number(PRIMARY.includes(b)) - Number(PRIMARY.includes(a)));

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
              class={`btn ${PRIMARY.includes(a) ? 'primary' : ''} ${open === a ? 'pressed' : ''}`}
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

function ActionForm({ action, status, onDone, onRefused, onCancel }: { action: ActionName; status: BookStatus; onDone: (r: ActionResponse) => void; onRefused: (e: Error) => void; onCancel: () => void }) {
  const [values, setValues] = useState<Record<string, string>>(() => initial(action, status));
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | undefined>();
  const [packing, setPacking] = useState<{ done: number; total: number } | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [key] = useState(newKey);
  const v = (name: string) => values[name] ?? '';
  const set = (name: string) => (e: Event) => {
    const t = e.target as HTMLInputElement;
    setValues((s) => ({ ...s, [name]: t.type === 'checkbox' ? (t.checked ? 'true' : '') : t.value }));
  };
  const id = status.workflowId;
  const base = `/api/registers/${encodeURIComponent(id)}`;

  const act = (payload: Record<string, unknown>, idem = key) => post<ActionResponse>(`${base}/actions/${action}`, payload, { 'idempotency-key': idem });

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      onDone(await send());
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 409) onRefused(err);
      else setError(err as Error);
    } finally {
      setBusy(false);
      setProgress(undefined);
      setPacking(undefined);
    }
  };

  const send = async (): Promise<ActionResponse> => {
    switch (action) {
      case 'confirmInventory':
        return act({ cases: int(v('cases')), pages: int(v('pages')), condition: v('condition'), repairNeeded: v('repairNeeded') === 'true', ...(v('note') ? { note: v('note') } : {}) });
      case 'scansUploaded': {
        if (!files.length) throw new Error('Chưa chọn tệp bản quét nào.');
        // Page images in case folders travel as one zip: multipart file names would lose the folders.
        let sending: File[] = files;
        if (files.some((f) => (f.relativePath ?? '').includes('/'))) {
          const blob = await zipStore(
            files.map((f) => ({ path: f.relativePath ?? f.name, file: f })),
            (done, total) => setPacking({ done, total }),
          );
          setPacking(undefined);
          sending = [new File([blob], 'ban-quet.zip', { type: 'application/zip' })];
        }
        const up = await upload<{ uploadId: string; uploadPrefix: string; files: number; bytes: number }>('PUT', `${base}/scans`, sending, setProgress, { query: { submit: 'false' } });
        return act(
          { uploadPrefix: up.uploadPrefix, ...(int(v('declaredPdfs')) !== undefined ? { declaredPdfs: int(v('declaredPdfs')) } : {}), ...(int(v('declaredPages')) !== undefined ? { declaredPages: int(v('declaredPages')) } : {}), ...(v('note') ? { note: v('note') } : {}) },
          `scans:${up.uploadId}`,
        );
      }
      case 'excelUploaded': {
        if (!files[0]) throw new Error('Chưa chọn tệp Excel.');
        const up = await upload<{ excelKey: string; sha256: string }>('PUT', `${base}/excel`, files.slice(0, 1), setProgress, { query: { submit: 'false' } });
        return act({ excelKey: up.excelKey, sha256: up.sha256, ...(int(v('records')) !== undefined ? { records: int(v('records')) } : {}), ...(v('note') ? { note: v('note') } : {}) }, `excel:${up.sha256.slice(0, 40)}`);
      }
      case 'c06Received':
        return act({ batchRef: v('batchRef'), records: int(v('records')) });
      case 'approve':
        return act(v('note') ? { note: v('note') } : {});
      case 'reject':
        return act({
          reasons: v('reasons')
            .split('\n')
            .map((s) => s.trim())
            .filter(Boolean),
          ...(v('backTo') ? { backTo: v('backTo') } : {}),
        });
      case 'manualEntryProgress':
        return act({ entered: int(v('entered')), complete: v('complete') === 'true' });
      case 'importConfirmed':
        return act({ imported: int(v('imported')), failed: int(v('failed')), ...(v('note') ? { note: v('note') } : {}) });
      case 'extendDeadline':
      case 'setPlanDeadline':
        return act({ deadline: v('deadline') ? fromDateInput(v('deadline')) : '', reason: v('reason') });
      case 'setPriority':
        return act({ priority: Number(v('priority')) });
      case 'withdraw':
        return act({ reason: v('reason') });
    }
  };

  const field = (name: string, label: string, input: preact.JSX.Element, help?: string) => (
    <div class="field" key={name}>
      <label for={`f-${name}`}>{label}</label>
      {input}
      {help && <small class="hint">{help}</small>}
    </div>
  );
  const num = (name: string, label: string, opts: { required?: boolean; min?: number; help?: string } = {}) =>
    field(name, label, <input id={`f-${name}`} type="number" inputMode="numeric" min={opts.min ?? 0} step={1} required={opts.required} value={v(name)} onInput={set(name)} />, opts.help);
  const text = (name: string, label: string, opts: { required?: boolean; minLength?: number } = {}) =>
    field(name, label, <input id={`f-${name}`} type="text" maxLength={1000} required={opts.required} minLength={opts.minLength} value={v(name)} onInput={set(name)} />);
  const check = (name: string, label: string) => (
    <div class="field check" key={name}>
      <input id={`f-${name}`} type="checkbox" checked={v(name) === 'true'} onChange={set(name)} />
      <label for={`f-${name}`}>{label}</label>
    </div>
  );

  const idx = status.plan.indexOf(status.step as Step);
  const backSteps = status.plan.slice(0, idx + 1).filter((s) => s !== 'done');

  let body: preact.JSX.Element;
  switch (action) {
    case 'confirmInventory':
      body = (
        <>
          {num('cases', 'Số trường hợp trong sổ', { required: true })}
          {num('pages', 'Số trang', { required: true, min: 1 })}
          {field(
            'condition',
            'Tình trạng sổ',
            <select id="f-condition" value={v('condition')} onChange={set('condition')}>
              {Object.entries(CONDITION_LABELS_VI).map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>,
          )}
          {check('repairNeeded', 'Cần tu bổ, chỉnh lý trước khi quét')}
          {text('note', 'Ghi chú')}
        </>
      );
      break;
    case 'scansUploaded':
      body = (
        <>
          <div class="field wide">
            <span class="label">Bản quét</span>
            <DropZone
              id="scan-files"
              accept=".pdf,.jpg,.jpeg,.png,.zip,application/pdf,image/jpeg,image/png,application/zip"
              multiple
              folders
              files={files}
              onFiles={setFiles}
              disabled={busy}
              hint="Mỗi hồ sơ một tệp PDF đặt tên theo quy ước (ví dụ KS.2017.01.2017-02-03.05.pdf), hoặc ảnh trang JPEG/PNG trong thư mục mang tên hồ sơ, hoặc một tệp .zip của chúng."
            />
          </div>
          {num('declaredPdfs', 'Số tệp PDF (nếu biết)')}
          {num('declaredPages', 'Số trang (nếu biết)')}
          {text('note', 'Ghi chú')}
        </>
      );
      break;
    case 'excelUploaded':
      body = (
        <>
          <div class="field wide">
            <span class="label">Tệp Excel (.xlsx)</span>
            <DropZone
              id="excel-file"
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              multiple={false}
              files={files}
              onFiles={setFiles}
              disabled={busy}
              hint="Theo mẫu nhập liệu của loại sổ; mỗi trường hợp một dòng."
            />
            <button
              type="button"
              class="link"
              onClick={() => {
                const code = REGISTER_TYPES[status.book.type].code;
                download(`/api/templates/${code}.xlsx`, `mau-${code}.xlsx`).catch(setError);
              }}
            >
              Tải mẫu Excel {REGISTER_TYPES[status.book.type].code}
            </button>
          </div>
          {num('records', 'Số dòng dữ liệu (nếu biết)')}
          {text('note', 'Ghi chú')}
        </>
      );
      break;
    case 'c06Received':
      body = (
        <>
          {text('batchRef', 'Mã lô C06', { required: true })}
          {num('records', 'Số dòng', { required: true })}
        </>
      );
      break;
    case 'approve':
      body = text('note', 'Ghi chú (không bắt buộc)');
      break;
    case 'reject':
      body = (
        <>
          {field(
            'reasons',
            'Lý do trả lại (mỗi dòng một lý do)',
            <textarea id="f-reasons" rows={3} required value={v('reasons')} onInput={set('reasons')} />,
          )}
          {field(
            'backTo',
            'Trả về bước',
            <select id="f-backTo" value={v('backTo')} onChange={set('backTo')}>
              <option value="">Mặc định ({status.step === 'acceptance' ? 'bước nhập dữ liệu' : stepLabel(status.step)})</option>
              {backSteps.map((s) => (
                <option key={s} value={s}>
                  {stepLabel(s)}
                </option>
              ))}
            </select>,
          )}
        </>
      );
      break;
    case 'manualEntryProgress':
      body = (
        <>
          {num('entered', 'Số trường hợp đã nhập', { required: true, help: `Trước đây đã báo: ${status.counts.manualEntered ?? 0}` })}
          {check('complete', 'Đã nhập xong toàn bộ sổ')}
        </>
      );
      break;
    case 'importConfirmed':
      body = (
        <>
          {num('imported', 'Số trường hợp đã nhập CSDLHTĐT', { required: true })}
          {num('failed', 'Số trường hợp lỗi', { required: true })}
          {text('note', 'Ghi chú')}
        </>
      );
      break;
    case 'extendDeadline':
    case 'setPlanDeadline':
      body = (
        <>
          {field(
            'deadline',
            action === 'extendDeadline' ? `Hạn mới (hiện tại ${fmtDate(status.deadline)})` : `Hạn kế hoạch mới (hiện tại ${fmtDate(status.planDeadline)})`,
            <input id="f-deadline" type="date" required value={v('deadline')} onInput={set('deadline')} />,
          )}
          {text('reason', 'Lý do', { required: true })}
        </>
      );
      break;
    case 'setPriority':
      body = field(
        'priority',
        `Mức ưu tiên (hiện tại ${status.priority}; 1 cao nhất – 5 thấp nhất)`,
        <select id="f-priority" value={v('priority')} onChange={set('priority')}>
          <PriorityOptions />
        </select>,
      );
      break;
    case 'withdraw':
      body = text('reason', 'Lý do rút sổ khỏi kế hoạch', { required: true, minLength: 3 });
      break;
  }

  return (
    <form onSubmit={submit} aria-label={actionLabel(action)} data-form={action}>
      <h3>{actionLabel(action)}</h3>
      <div class="form-grid">{body}</div>
      {packing && (
        <div class="upload-progress" data-testid="packing-progress">
          <progress max={packing.total} value={packing.done} aria-label="Tiến độ đóng gói thư mục" />
          <span>
            Đang đóng gói thư mục: {fmtNumber(packing.done)}/{fmtNumber(packing.total)} tệp
          </span>
        </div>
      )}
      {progress && (
        <div class="upload-progress" data-testid="upload-progress">
          <progress max={progress.total || 1} value={progress.loaded} aria-label="Tiến độ tải lên" />
          <span>
            Đang tải lên {fmtBytes(progress.loaded)}
            {progress.total ? ` / ${fmtBytes(progress.total)} (${Math.floor((100 * progress.loaded) / progress.total)}%)` : ''}
          </span>
        </div>
      )}
      {error && <ErrorBox error={error} title="Không thực hiện được" />}
      <div class="actions-row">
        <button type="submit" class={`btn ${action === 'reject' || action === 'withdraw' ? 'danger' : 'primary'}`} disabled={busy}>
          {busy ? (progress ? 'Đang tải lên…' : 'Đang gửi…') : action === 'scansUploaded' || action === 'excelUploaded' ? 'Tải lên và báo hoàn thành' : actionLabel(action)}
        </button>
        <button type="button" class="btn ghost" onClick={onCancel} disabled={busy}>
          Hủy
        </button>
      </div>
    </form>
  );
}

function initial(action: ActionName, s: BookStatus): Record<string, string> {
  switch (action) {
    case 'confirmInventory':
      return { cases: s.counts.inventoryCases !== undefined ? String(s.counts.inventoryCases) : '', pages: '', condition: 'good' };
    case 'manualEntryProgress':
      return { entered: String(s.counts.manualEntered ?? 0) };
    case 'importConfirmed':
      return { imported: String(s.counts.excelRows ?? s.counts.c06Rows ?? s.counts.inventoryCases ?? ''), failed: '0' };
    case 'setPriority':
      return { priority: String(s.priority) };
    case 'extendDeadline':
      return { deadline: toDateInput(new Date(Math.max(Date.now(), Date.parse(s.deadline)) + 30 * 86_400_000).toISOString()) };
    default:
      return {};
  }
}
