import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, download, get } from '../api';
import { ActionPanel } from '../components/actions/ActionPanel';
import { StepBadge } from '../components/Badges';
import { ErrorBox } from '../components/ErrorBox';
import { Notes } from '../components/Notes';
import { StepLine } from '../components/StepLine';
import { TimelineView } from '../components/Timeline';
import { daysUntil, fmtBytes, fmtDate, fmtDateTime, fmtDaysLeft, fmtNumber } from '../format';
import { useApp, useAsync, useTitle } from '../hooks';
import { actionLabel, ARTIFACT_LABELS_VI, COUNT_LABELS_VI, districtLabel, levelLabel, periodLabel, roleLabel, stepLabel, typeLabel } from '../labels';
import { myActions } from '../permissions';
import type { BookStatus, StoredFilesResponse } from '../types';

/** Artifacts that are one stored file of the book (the upload is a folder, a C06 batch a reference). */
const FILE_KINDS = new Set(['zip', 'manifest', 'checksums', 'excel', 'excelAnnotated', 'excelProblems', 'importPackage', 'acceptance']);

export function BookPage({ id }: { id: string }) {
  const { me, reference } = useApp();
  const loaded = useAsync(() => get<BookStatus>(`/api/registers/${encodeURIComponent(id)}`), id);
  const [status, setStatus] = useState<BookStatus | undefined>();
  const [historyKey, setHistoryKey] = useState(0);
  const [dlError, setDlError] = useState<Error | undefined>();
  useEffect(() => setStatus(loaded.data), [loaded.data]);
  const s = status ?? loaded.data;
  useTitle(s ? `${s.book.type ? typeLabel(s.book.type) : ''} quyển ${s.book.bookNo}` : 'Sổ');

  // While the workflow works on its own (packaging, validation…), look again every few seconds.
  useEffect(() => {
    if (s?.phase !== 'processing') return;
    const t = setInterval(() => {
      get<BookStatus>(`/api/registers/${encodeURIComponent(id)}`).then((x) => {
        setStatus(x);
        if (x.phase !== 'processing') setHistoryKey((k) => k + 1);
      }, () => undefined);
    }, 3000);
    return () => clearInterval(t);
  }, [s?.phase, id]);

  if (loaded.error) {
    const f = loaded.error instanceof ApiFailure ? loaded.error : undefined;
    return (
      <section>
        <p class="crumbs">
          <a href="/books">‹ Danh sách sổ</a>
        </p>
        <h1>Sổ {id}</h1>
        <ErrorBox error={loaded.error} title={f?.status === 403 ? 'Không có quyền xem sổ này' : f?.status === 404 ? 'Không có sổ này' : undefined} />
      </section>
    );
  }
  if (!s) return <p class="loading">Đang tải sổ…</p>;

  const { book } = s;
  const years = book.yearFrom === book.yearTo ? `${book.yearFrom}` : `${book.yearFrom}–${book.yearTo}`;
  const actions = myActions(me, reference, { pendingActions: s.pendingActions, step: s.step, custodianKey: s.custodian.key });
  const left = daysUntil(s.deadline);
  const closed = s.phase === 'closed';
  const annotated = s.artifacts.find((a) => a.kind === 'excelAnnotated');
  const problemList = s.artifacts.find((a) => a.kind === 'excelProblems');
  const fileUrl = `/api/registers/${encodeURIComponent(id)}/file`;
  const dl = (key: string) => {
    setDlError(undefined);
    download(fileUrl, key.split('/').pop() ?? 'tep', { key }).catch(setDlError);
  };

  return (
    <article aria-labelledby="book-title" data-testid="book-page">
      <p class="crumbs">
        <a href="/books">‹ Danh sách sổ</a>
      </p>
      <div class="page-head">
        <div>
          <h1 id="book-title">
            {typeLabel(book.type)} quyển {book.bookNo} ({years})
          </h1>
          <p class="muted">
            {book.agency.name} · {districtLabel(book.agency.districtCode)} · <code>{s.workflowId}</code>
          </p>
        </div>
        <div class="badges">
          <StepBadge step={s.step} phase={s.phase} />
          {s.overdue && (
            <span class="badge bad" data-testid="overdue-badge">
              Quá hạn
            </span>
          )}
          {s.awaitingHuman && <span class="badge warn">Chờ người xử lý</span>}
          <span class="badge">Ưu tiên {s.priority}</span>
        </div>
      </div>

      <StepLine status={s} />

      <ActionPanel
        status={s}
        actions={actions}
        onStatus={(x) => {
          setStatus(x);
          setHistoryKey((k) => k + 1);
        }}
        onStale={() => {
          get<BookStatus>(`/api/registers/${encodeURIComponent(id)}`).then((x) => {
            setStatus(x);
            setHistoryKey((k) => k + 1);
          }, setDlError);
        }}
      />

      <div class="grid">
        <section class="card" aria-labelledby="deadline-title">
          <h2 id="deadline-title">Hạn</h2>
          <dl class="kv">
            <dt>Hạn hiện tại</dt>
            <dd>
              <strong>{fmtDate(s.deadline)}</strong> {!closed && <span class={s.overdue || (left ?? 1) < 0 ? 'bad-text' : (left ?? 99) <= 30 ? 'warn-text' : ''}>({fmtDaysLeft(left)})</span>}
            </dd>
            <dt>Hạn kế hoạch</dt>
            <dd>{fmtDate(s.planDeadline)}</dd>
            {s.extendedDeadline && (
              <>
                <dt>Được gia hạn đến</dt>
                <dd>{fmtDate(s.extendedDeadline)}</dd>
              </>
            )}
            <dt>Quá hạn</dt>
            <dd>{s.overdue ? <span class="bad-text">Có, từ {fmtDate(s.overdueSince)}</span> : 'Không'}</dd>
            <dt>Ở bước hiện tại từ</dt>
            <dd>{fmtDateTime(s.phaseSince)}</dd>
          </dl>
        </section>

        <section class="card" aria-labelledby="identity-title">
          <h2 id="identity-title">Thông tin sổ</h2>
          <dl class="kv">
            <dt>Loại sổ</dt>
            <dd>{typeLabel(book.type)}</dd>
            <dt>Số quyển</dt>
            <dd>{book.bookNo}</dd>
            <dt>Năm</dt>
            <dd>{years}</dd>
            <dt>Nhóm sổ</dt>
            <dd>
              {periodLabel(s.period)}
              {s.periodWarning && <small class="block warn-text">{s.periodWarning}</small>}
            </dd>
            <dt>Đơn vị đăng ký</dt>
            <dd>
              {book.agency.name}
              <small class="block muted">{levelLabel(book.agency.level)}</small>
            </dd>
            <dt>Đơn vị đang giữ sổ</dt>
            <dd data-testid="custodian">
              {s.custodian.name}
              {s.handovers.map((h) => (
                <small class="block muted" key={h.at}>
                  {fmtDate(h.at)}: {h.from.name} → {h.to.name} ({h.userId}: {h.reason})
                </small>
              ))}
            </dd>
            <dt>Bắt đầu</dt>
            <dd>{fmtDate(s.startedAt)}</dd>
            {book.note && (
              <>
                <dt>Ghi chú</dt>
                <dd>{book.note}</dd>
              </>
            )}
          </dl>
        </section>

        <section class="card" aria-labelledby="counts-title">
          <h2 id="counts-title">Số liệu</h2>
          <dl class="kv" data-testid="counts">
            {Object.entries(COUNT_LABELS_VI)
              .filter(([k]) => s.counts[k as keyof typeof s.counts] !== undefined)
              .map(([k, label]) => {
                const n = s.counts[k as keyof typeof s.counts]!;
                return (
                  <Fragment key={k}>
                    <dt>{label}</dt>
                    <dd>{k === 'bytes' ? fmtBytes(n) : fmtNumber(n)}</dd>
                  </Fragment>
                );
              })}
            {Object.values(s.counts).every((x) => x === undefined) && <p class="muted">Chưa có số liệu.</p>}
          </dl>
        </section>
      </div>

      <section class="card" aria-labelledby="artifacts-title" data-testid="artifacts">
        <h2 id="artifacts-title">Tệp và kết quả</h2>
        {s.artifacts.some((a) => a.kind === 'manifest') && (
          <p>
            <a href={`/books/${encodeURIComponent(id)}/pages`}>Xem từng trang bản quét và lỗi máy tìm thấy ›</a>
          </p>
        )}
        {dlError && <ErrorBox error={dlError} title="Không tải được tệp" />}
        {s.artifacts.length === 0 ? (
          <p class="muted">Chưa có tệp nào.</p>
        ) : (
          <div class="table-wrap">
            <table class="table compact">
              <thead>
                <tr>
                  <th scope="col">Loại</th>
                  <th scope="col">Tệp</th>
                  <th scope="col" class="num">
                    Dung lượng
                  </th>
                  <th scope="col" class="hide-sm">
                    sha256
                  </th>
                  <th scope="col">Lúc</th>
                </tr>
              </thead>
              <tbody>
                {s.artifacts.map((a) => (
                  <tr key={a.kind + a.key}>
                    <td>{ARTIFACT_LABELS_VI[a.kind] ?? a.kind}</td>
                    <td class="break">
                      {FILE_KINDS.has(a.kind) ? (
                        <button type="button" class="link" onClick={() => dl(a.key)}>
                          {a.key.split('/').pop()}
                        </button>
                      ) : (
                        <code>{a.key}</code>
                      )}
                    </td>
                    <td class="num">{fmtBytes(a.bytes)}</td>
                    <td class="hide-sm">
                      <code title={a.sha256}>{a.sha256 ? `${a.sha256.slice(0, 12)}…` : '—'}</code>
                    </td>
                    <td>{fmtDateTime(a.at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <StoredFiles id={id} onDownload={dl} />
      </section>

      {s.failing && (
        <section class="card failing-card" role="alert" aria-label="Bước tự động đang lỗi" data-testid="failing">
          <p>
            Bước tự động <strong>{stepLabel(s.failing.step)}</strong> đang lỗi lặp lại từ {fmtDateTime(s.failing.since)}: đã thử {fmtNumber(s.failing.attempts)} lần ({s.failing.activity}), lỗi cuối: {s.failing.lastError}. Hệ thống tự thử lại lúc {fmtDateTime(s.failing.retryAt)}.
          </p>
        </section>
      )}

      {(s.problems.length > 0 || annotated) && (
        <section class="card problems" aria-labelledby="problems-title" data-testid="problems">
          <div class="card-head">
            <h2 id="problems-title">Vấn đề cần xử lý ({fmtNumber(s.problems.length)})</h2>
            <div class="actions-row">
              {annotated && (
                <button type="button" class="btn" onClick={() => dl(annotated.key)}>
                  Tải Excel có đánh dấu lỗi
                </button>
              )}
              {problemList && (
                <button type="button" class="btn" onClick={() => dl(problemList.key)}>
                  Tải danh sách lỗi
                </button>
              )}
            </div>
          </div>
          <ul class="problem-list">
            {s.problems.map((p, i) => (
              <li key={i}>
                <span class="badge">{stepLabel(p.step)}</span> {p.message.replace(/^-\s+/, '')} <small class="muted">({fmtDateTime(p.at)})</small>
              </li>
            ))}
          </ul>
        </section>
      )}

      {s.reviews.length > 0 && (
        <section class="card" aria-labelledby="reviews-title">
          <h2 id="reviews-title">Duyệt và trả lại</h2>
          <ul class="plain reviews">
            {s.reviews.map((r, i) => (
              <li key={i}>
                <span class={`badge ${r.decision === 'approved' ? 'ok' : 'bad'}`}>{r.decision === 'approved' ? 'Đã duyệt' : 'Trả lại'}</span> {stepLabel(r.step)} — {r.userId} ({roleLabel(r.role)}), {fmtDateTime(r.at)}
                {r.note && <> · {r.note}</>}
                {r.reasons && <> · Lý do: {r.reasons.join('; ')}</>}
                {r.backTo && r.decision === 'rejected' && <> · về bước {stepLabel(r.backTo)}</>}
              </li>
            ))}
          </ul>
        </section>
      )}

      <Notes notes={s.notes} />

      {s.withdrawn && (
        <section class="card withdrawn-card" aria-label="Đã rút">
          <p>
            Sổ đã rút khỏi kế hoạch ngày {fmtDate(s.withdrawn.at)} bởi {s.withdrawn.userId} ({roleLabel(s.withdrawn.role)}). Lý do: {s.withdrawn.reason}
          </p>
        </section>
      )}

      <div class="actions-row">
        <button
          type="button"
          class="btn"
          onClick={() => {
            setDlError(undefined);
            download(`/api/registers/${encodeURIComponent(id)}/history.json`, `${id}.history.json`).catch(setDlError);
          }}
        >
          Tải lịch sử gốc (JSON)
        </button>
        <a class="btn" href={`/audit?ids=${encodeURIComponent(id)}`}>
          Chạy lại lịch sử (replay)
        </a>
      </div>

      <TimelineView key={historyKey} id={id} />
      {s.actions.length > 0 && (
        <p class="muted small">
          Thao tác gần nhất: {actionLabel(s.actions[s.actions.length - 1]!.action)} — {s.actions[s.actions.length - 1]!.userId}, {fmtDateTime(s.actions[s.actions.length - 1]!.at)}
        </p>
      )}
    </article>
  );
}

/** What the store holds for the book (uploaded scans, PDFs, zip…), on demand. */
function StoredFiles({ id, onDownload }: { id: string; onDownload: (key: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="stored" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Mọi tệp của sổ trong kho lưu trữ</summary>
      {open && <StoredFilesList id={id} onDownload={onDownload} />}
    </details>
  );
}

function StoredFilesList({ id, onDownload }: { id: string; onDownload: (key: string) => void }) {
  const files = useAsync(() => get<StoredFilesResponse>(`/api/registers/${encodeURIComponent(id)}/files`), id);
  if (files.error) return <ErrorBox error={files.error} />;
  if (!files.data) return <p class="loading">Đang tải…</p>;
  if (!files.data.items.length) return <p class="muted">Kho chưa có tệp nào của sổ này.</p>;
  const shown = files.data.items.slice(0, 500);
  return (
    <ul class="plain files">
      {shown.map((f) => (
        <li key={f.key}>
          <button type="button" class="link" onClick={() => onDownload(f.key)}>
            {f.key.split('/').slice(-2).join('/')}
          </button>{' '}
          <small class="muted">{fmtBytes(f.bytes)}</small>
        </li>
      ))}
      {files.data.items.length > shown.length && <li class="muted">… và {fmtNumber(files.data.items.length - shown.length)} tệp nữa</li>}
    </ul>
  );
}
