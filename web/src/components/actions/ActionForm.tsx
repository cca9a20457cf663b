import { useState } from 'preact/hooks';
import type { ActionName } from '../../../../contracts/v1';
import { ApiFailure, post, type UploadProgress } from '../../api';
import { fmtBytes, fmtNumber } from '../../format';
import { actionLabel } from '../../labels';
import type { ActionResponse, BookStatus } from '../../types';
import type { PickedFile } from '../DropZone';
import { ErrorBox } from '../ErrorBox';
import { ACTION_FORMS } from './forms';

const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/**
 * The open form of one action: its fields, upload and packing progress, the server's refusal. One
 * idempotency key per opened form, so a double submit is one action.
 */
export function ActionForm({ action, status, onDone, onRefused, onCancel }: { action: ActionName; status: BookStatus; onDone: (r: ActionResponse) => void; onRefused: (e: Error) => void; onCancel: () => void }) {
  const spec = ACTION_FORMS[action];
  const [values, setValues] = useState<Record<string, string>>(() => spec.initial?.(status) ?? {});
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
  const base = `/api/registers/${encodeURIComponent(status.workflowId)}`;
  const act = (payload: Record<string, unknown>, idem = key) => post<ActionResponse>(`${base}/actions/${action}`, payload, { 'idempotency-key': idem });

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      onDone(await spec.send({ v, files, base, act, setProgress, setPacking }));
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 409) onRefused(err);
      else setError(err as Error);
    } finally {
      setBusy(false);
      setProgress(undefined);
      setPacking(undefined);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-label={actionLabel(action)} data-form={action}>
      <h3>{actionLabel(action)}</h3>
      <div class="form-grid">
        <spec.Fields status={status} v={v} set={set} files={files} setFiles={setFiles} busy={busy} setError={setError} />
      </div>
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
        <button type="submit" class={`btn ${spec.danger ? 'danger' : 'primary'}`} disabled={busy}>
          {busy ? (progress ? 'Đang tải lên…' : 'Đang gửi…') : (spec.submitLabel ?? actionLabel(action))}
        </button>
        <button type="button" class="btn ghost" onClick={onCancel} disabled={busy}>
          Hủy
        </button>
      </div>
    </form>
  );
}
