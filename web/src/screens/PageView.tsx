import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, imageUrl, post } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import { useAsync, useTitle } from '../hooks';
import type { ActionResponse, BookStatus, PageListResponse } from '../types';

type Page = PageListResponse['pages'][number];

/** A rejection reason naming the page, with what the machine found on it (the reviewer edits it). */
const reasonFor = (p: Page | undefined) => (p ? `${p.case} trang ${p.page}: ${p.findings.map((f) => f.message.slice(f.message.indexOf(': ') + 2)).join('; ')}` : '');

/** One page's image, fetched with the token (a plain <img src> cannot send it), freed when it goes. */
function PageImage({ id, p, alt, cls }: { id: string; p: Page; alt: string; cls: string }) {
  const [url, setUrl] = useState<string>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    let made: string | undefined;
    setUrl(undefined);
    imageUrl(`/api/registers/${encodeURIComponent(id)}/pages/image`, { caseNo: p.caseNo, page: p.page }).then(
      (u) => (gone ? URL.revokeObjectURL(u) : ((made = u), setUrl(u))),
      () => !gone && setFailed(true),
    );
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [id, p.caseNo, p.page]);
  if (failed) return <div class={`${cls} missing`}>không tải được ảnh</div>;
  return url ? <img class={cls} src={url} alt={alt} /> : <div class={`${cls} missing`}>đang tải…</div>;
}

/**
 * The reviewer's page view: the pages of one case as thumbnails, the findings marked, one page
 * large. Keys: → / ← next and previous page (across cases), N next page with a finding, + / − zoom,
 * R send the scans back with the page shown named in the reason. Approving is a click, never a key.
 */
export function PageView({ id }: { id: string }) {
  useTitle(`Trang của sổ ${id}`);
  const list = useAsync(() => get<PageListResponse>(`/api/registers/${encodeURIComponent(id)}/pages`), id);
  const pages = list.data?.pages ?? [];
  const [at, setAt] = useState(0);
  const [zoom, setZoom] = useState(1);
  const status = useAsync(() => get<BookStatus>(`/api/registers/${encodeURIComponent(id)}`), id);
  const [reason, setReason] = useState<string>();
  const [decided, setDecided] = useState<string>();
  const [failure, setFailure] = useState<Error>();
  const current = pages[at];
  const atRef = useRef(at);
  atRef.current = at;
  const reviewing = !decided && status.data?.step === 'scan' && status.data.phase === 'review';
  const cases = useMemo(() => [...new Map(pages.map((p) => [p.caseNo, p.case])).entries()], [pages]);
  const inCase = pages.map((p, i) => [p, i] as const).filter(([p]) => p.caseNo === current?.caseNo);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement) return;
      if (e.key === 'ArrowRight') setAt((i) => Math.min(i + 1, pages.length - 1));
      else if (e.key === 'ArrowLeft') setAt((i) => Math.max(i - 1, 0));
      else if (e.key === 'n' || e.key === 'N') {
        setAt((i) => {
          const next = pages.findIndex((p, j) => j > i && p.findings.length > 0);
          const first = pages.findIndex((p) => p.findings.length > 0);
          return next !== -1 ? next : first !== -1 ? first : i;
        });
      } else if ((e.key === 'r' || e.key === 'R') && reviewing) setReason((r) => r ?? reasonFor(pages[atRef.current]));
      else if (e.key === '+') setZoom((z) => Math.min(z * 1.25, 4));
      else if (e.key === '-') setZoom((z) => Math.max(z / 1.25, 0.5));
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pages, reviewing]);

  const decide = async (action: 'approve' | 'reject', payload: Record<string, unknown>, done: string) => {
    setFailure(undefined);
    try {
      await post<ActionResponse>(`/api/registers/${encodeURIComponent(id)}/actions/${action}`, payload);
      setReason(undefined);
      setDecided(done);
    } catch (e) {
      setFailure(e as Error);
    }
  };

  const withFindings = pages.filter((p) => p.findings.length).length;
  return (
    <section class="page-view">
      <p class="crumbs">
        <a href={`/books/${encodeURIComponent(id)}`}>‹ Sổ {id}</a>
      </p>
      <h1>Xem trang bản quét</h1>
      {list.error && <ErrorBox error={list.error} />}
      {list.loading && !list.data && <p class="loading">Đang tải danh sách trang…</p>}
      {current && (
        <>
          <p class="hint">
            {pages.length} trang, {withFindings} trang có lỗi máy tìm thấy. Phím → / ← trang sau / trước, N trang có lỗi kế tiếp, + / − phóng to / thu nhỏ.
          </p>
          <label>
            Hồ sơ{' '}
            <select value={current.caseNo} onChange={(e) => setAt(pages.findIndex((p) => p.caseNo === Number((e.target as HTMLSelectElement).value)))}>
              {cases.map(([no, name]) => (
                <option value={no}>{name}</option>
              ))}
            </select>
          </label>
          {reviewing && (
            <div class="review-bar" aria-label="Duyệt bản quét" role="group">
              <button type="button" class="primary" onClick={() => void decide('approve', {}, 'Đã duyệt bản quét.')}>
                Duyệt bản quét
              </button>{' '}
              <button type="button" class="danger" onClick={() => setReason(reasonFor(current))}>
                Trả lại (R)
              </button>
            </div>
          )}
          {reason !== undefined && (
            <form
              class="reject-form"
              onSubmit={(e) => {
                e.preventDefault();
                const reasons = reason.split('\n').map((x) => x.trim()).filter(Boolean);
                void decide('reject', { reasons }, 'Đã trả lại bản quét cho nhà thầu.');
              }}
            >
              <label for="reject-reasons">Lý do trả lại (mỗi dòng một lý do)</label>
              <textarea id="reject-reasons" rows={3} required value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
              <button type="submit" class="danger">
                Gửi trả lại
              </button>{' '}
              <button type="button" onClick={() => setReason(undefined)}>
                Thôi
              </button>
            </form>
          )}
          {decided && <p role="status">{decided}</p>}
          {failure && <ErrorBox error={failure} title="Không thực hiện được" />}
          <ol class="thumbs" aria-label="Các trang của hồ sơ">
            {inCase.map(([p, i]) => (
              <li class={`${i === at ? 'current' : ''} ${p.findings.length ? 'flagged' : ''}`}>
                <button type="button" onClick={() => setAt(i)} aria-label={`Trang ${p.page}${p.findings.length ? ' (có lỗi)' : ''}`}>
                  {p.image ? <PageImage id={id} p={p} alt={`Trang ${p.page}`} cls="thumb" /> : <div class="thumb missing">PDF</div>}
                  <span>
                    Trang {p.page}
                    {p.findings.length ? ' ⚠' : ''}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          <div class="large" data-testid="large-page">
            <h2>
              {current.case} — trang {current.page}
            </h2>
            {current.findings.length > 0 && (
              <ul class="findings" data-testid="page-findings">
                {current.findings.map((f) => (
                  <li class={f.blocking ? 'blocking' : 'warning'}>{f.message}</li>
                ))}
              </ul>
            )}
            <div class="zoom" style={{ width: `${Math.round(zoom * 100)}%` }}>
              {current.image ? <PageImage id={id} p={current} alt={`${current.case} trang ${current.page}`} cls="page" /> : <p>Hồ sơ giao dạng PDF: xem trong tệp PDF của sổ.</p>}
            </div>
          </div>
        </>
      )}
      {list.data && !pages.length && <p>Sổ chưa có trang nào được kiểm tra.</p>}
    </section>
  );
}
