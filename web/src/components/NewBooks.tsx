import { useState } from 'preact/hooks';
import { download, post, upload, type UploadProgress } from '../api';
import { fmtBytes, fmtNumber } from '../format';
import { useApp } from '../hooks';
import { DropZone, type PickedFile } from './DropZone';
import { ErrorBox } from './ErrorBox';
import type { CreateResponse } from '../types';
import { PriorityOptions } from './PriorityOptions';

const RESULT_LABELS = { created: 'Đã tạo', existing: 'Đã có', rejected: 'Bị từ chối' } as const;

/** Managers and clerks add books to the plan: one by a form, or a whole inventory file (.xlsx/.csv). */
export function NewBooks({ onCreated }: { onCreated: () => void }) {
  const { reference, announce } = useApp();
  const [v, setV] = useState<Record<string, string>>({ agencyCode: reference.agencies[0]?.code ?? '', type: 'birth', bookNo: '', yearFrom: '', yearTo: '', expectedCases: '', priority: '3' });
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | undefined>();
  const [result, setResult] = useState<CreateResponse | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const set = (k: string) => (e: Event) => setV((s) => ({ ...s, [k]: (e.target as HTMLInputElement).value }));
  const num = (s: string | undefined) => (s && s.trim() ? Number(s) : undefined);

  const run = async (fn: () => Promise<CreateResponse>) => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const r = await fn();
      setResult(r);
      announce(`${r.summary.created} sổ mới, ${r.summary.existing} sổ đã có, ${r.summary.rejected} dòng bị từ chối.`);
      if (r.summary.created) onCreated();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  const createOne = (e: Event) => {
    e.preventDefault();
    void run(() =>
      post<CreateResponse>('/api/registers', {
        items: [
          {
            agencyCode: v.agencyCode,
            type: v.type,
            bookNo: v.bookNo,
            yearFrom: num(v.yearFrom),
            ...(num(v.yearTo) !== undefined ? { yearTo: num(v.yearTo) } : {}),
            ...(num(v.expectedCases) !== undefined ? { expectedCases: num(v.expectedCases) } : {}),
            priority: num(v.priority),
          },
        ],
      }),
    );
  };

  const importFile = (e: Event) => {
    e.preventDefault();
    if (!files[0]) return setError(new Error('Chưa chọn tệp danh mục.'));
    void run(() => upload<CreateResponse>('POST', '/api/registers/import', files.slice(0, 1), setProgress));
  };

  return (
    <details class="card new-books" data-testid="new-books">
      <summary>Thêm sổ vào kế hoạch</summary>
      <div class="two-cols">
        <form onSubmit={createOne} aria-labelledby="new-one-title">
          <h3 id="new-one-title">Thêm một sổ</h3>
          <div class="form-grid">
            <div class="field wide">
              <label for="nb-agency">Đơn vị lưu giữ sổ</label>
              <select id="nb-agency" required value={v.agencyCode} onChange={set('agencyCode')}>
                {reference.agencies.map((a) => (
                  <option key={a.code} value={a.code}>
                    {a.name} ({a.code})
                  </option>
                ))}
              </select>
            </div>
            <div class="field wide">
              <label for="nb-type">Loại sổ</label>
              <select id="nb-type" value={v.type} onChange={set('type')}>
                {reference.registerTypes.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.code} – {t.label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="nb-bookNo">Số quyển</label>
              <input id="nb-bookNo" type="text" required pattern="\d{1,4}[A-Za-z]?" placeholder="01" value={v.bookNo} onInput={set('bookNo')} />
            </div>
            <div class="field">
              <label for="nb-yearFrom">Năm đầu</label>
              <input id="nb-yearFrom" type="number" required min={1900} max={reference.lastPlanYear} value={v.yearFrom} onInput={set('yearFrom')} />
            </div>
            <div class="field">
              <label for="nb-yearTo">Năm cuối (nếu khác)</label>
              <input id="nb-yearTo" type="number" min={1900} max={reference.lastPlanYear} value={v.yearTo} onInput={set('yearTo')} />
            </div>
            <div class="field">
              <label for="nb-cases">Số trường hợp dự kiến</label>
              <input id="nb-cases" type="number" min={0} value={v.expectedCases} onInput={set('expectedCases')} />
            </div>
            <div class="field">
              <label for="nb-priority">Mức ưu tiên</label>
              <select id="nb-priority" value={v.priority} onChange={set('priority')}>
                <PriorityOptions />
              </select>
            </div>
          </div>
          <button type="submit" class="btn primary" disabled={busy}>
            Thêm sổ
          </button>
        </form>

        <form onSubmit={importFile} aria-labelledby="new-file-title">
          <h3 id="new-file-title">Nhập danh mục từ tệp</h3>
          <DropZone id="inventory-file" accept=".xlsx,.csv" multiple={false} files={files} onFiles={setFiles} disabled={busy} hint="Tệp .xlsx hoặc .csv theo mẫu danh mục; mỗi dòng một sổ. Sổ đã có không bị tạo lại." />
          <div class="actions-row">
            <button type="submit" class="btn primary" disabled={busy || !files.length}>
              Nhập danh mục
            </button>
            <button type="button" class="link" onClick={() => void download('/api/templates/inventory.xlsx', 'danh-muc-so.xlsx').catch(setError)}>
              Tải mẫu danh mục (.xlsx)
            </button>
          </div>
          {progress && (
            <div class="upload-progress">
              <progress max={progress.total || 1} value={progress.loaded} aria-label="Tiến độ tải lên" />
              <span>
                {fmtBytes(progress.loaded)}
                {progress.total ? ` / ${fmtBytes(progress.total)}` : ''}
              </span>
            </div>
          )}
        </form>
      </div>
      {busy && !progress && <p class="loading">Đang tạo sổ…</p>}
      {error && <ErrorBox error={error} title="Không thêm được sổ" />}
      {result && (
        <div class="result" data-testid="new-books-result" role="status">
          <p>
            {fmtNumber(result.summary.created)} sổ mới, {fmtNumber(result.summary.existing)} sổ đã có, {fmtNumber(result.summary.rejected)} bị từ chối.
          </p>
          <ul class="plain">
            {result.items
              .filter((i) => i.result !== 'created' || result.items.length <= 20)
              .slice(0, 200)
              .map((i) => (
                <li key={i.index}>
                  <span class={`badge ${i.result === 'created' ? 'ok' : i.result === 'rejected' ? 'bad' : ''}`}>{RESULT_LABELS[i.result]}</span> {i.row !== undefined ? `dòng ${i.row}: ` : ''}
                  {i.id ? <a href={`/books/${encodeURIComponent(i.id)}`}>{i.id}</a> : null} {i.reason ?? ''}
                </li>
              ))}
          </ul>
        </div>
      )}
    </details>
  );
}
