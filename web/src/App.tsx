import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiFailure, get, onUnauthorized, session } from './api';
import { ErrorBox } from './components/ErrorBox';
import { AppContext, type AppCtx } from './hooks';
import { agencyLabel, districtLabel, provinceName } from './labels';
import { canAudit, hasQueue } from './permissions';
import { installReference } from './reference';
import { navigate, useLocation } from './router';
import { Audit } from './screens/Audit';
import { BookList } from './screens/BookList';
import { BookPage } from './screens/BookPage';
import { PageView } from './screens/PageView';
import { Overview } from './screens/Overview';
import { Queue } from './screens/Queue';
import { SignIn } from './screens/SignIn';
import type { Me, Reference } from './types';

export function jurisdictionLabel(me: Pick<Me, 'scope' | 'agencyCode'>): string {
  if (me.scope === 'province') return `Toàn tỉnh ${provinceName()}`;
  if (me.scope === 'district') return districtLabel(me.agencyCode);
  return agencyLabel(me.agencyCode);
}

/** The landing page of each role: work queues for those who do the work, the overview for the others. */
const homeOf = (me: Me) => (me.role === 'clerk' || me.role === 'contractor' || me.role === 'c06' ? '/queue' : '/');

export function App() {
  const [ctx, setCtx] = useState<Omit<AppCtx, 'announce'> | null>(null);
  const [checking, setChecking] = useState(!!session.token);
  const [signInError, setSignInError] = useState<Error | undefined>();
  const [live, setLive] = useState('');
  const loc = useLocation();

  const signOut = useCallback((reason?: string) => {
    session.clear();
    setCtx(null);
    setSignInError(reason ? new Error(reason) : undefined);
  }, []);

  const load = useCallback(async (firstPage?: boolean) => {
    setChecking(true);
    try {
      const [me, reference] = await Promise.all([get<Me>('/api/me'), get<Reference>('/api/reference')]);
      installReference(reference);
      setCtx({ me, reference });
      setSignInError(undefined);
      if (firstPage && window.location.pathname === '/') navigate(homeOf(me), { replace: true });
    } catch (e) {
      session.clear();
      setCtx(null);
      setSignInError(e as Error);
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    if (session.token) void load(false);
    return onUnauthorized(() => signOut('Phiên đăng nhập đã hết hiệu lực (mã truy cập không hợp lệ hoặc đã bị thu hồi). Vui lòng đăng nhập lại.'));
  }, [load, signOut]);

  const announce = useCallback((text: string) => {
    setLive('');
    setTimeout(() => setLive(text), 50);
  }, []);

  if (!ctx) {
    return (
      <>
        <SignIn
          busy={checking}
          error={signInError}
          onSubmit={(token) => {
            session.set(token);
            void load(true);
          }}
        />
        <div class="sr-only" aria-live="polite">
          {live}
        </div>
      </>
    );
  }

  const { me } = ctx;
  const nav: { to: string; label: string; show: boolean; match: (p: string) => boolean }[] = [
    { to: '/queue', label: 'Việc cần làm', show: hasQueue(me), match: (p) => p.startsWith('/queue') },
    { to: '/', label: 'Tổng quan', show: true, match: (p) => p === '/' },
    { to: '/books', label: 'Danh sách sổ', show: true, match: (p) => p.startsWith('/books') },
    { to: '/audit', label: 'Kiểm toán', show: canAudit(me), match: (p) => p.startsWith('/audit') },
  ];

  let page;
  const bookMatch = /^\/books\/([^/]+)$/.exec(loc.path);
  const pagesMatch = /^\/books\/([^/]+)\/pages$/.exec(loc.path);
  if (pagesMatch) page = <PageView id={decodeURIComponent(pagesMatch[1]!)} />;
  else if (bookMatch) page = <BookPage id={decodeURIComponent(bookMatch[1]!)} />;
  else if (loc.path.startsWith('/books')) page = <BookList params={loc.params} />;
  else if (loc.path.startsWith('/queue')) page = <Queue />;
  else if (loc.path.startsWith('/audit')) page = <Audit params={loc.params} />;
  else if (loc.path === '/') page = <Overview params={loc.params} />;
  else page = <ErrorBox error={new ApiFailure(404, 'NotFound', `Không có trang ${loc.path}.`)} />;

  return (
    <AppContext.Provider value={{ ...ctx, announce }}>
      <a class="skip" href="#main">
        Bỏ qua, đến nội dung chính
      </a>
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ▦
          </span>
          <span>
            <strong>Số hóa sổ hộ tịch</strong>
            <small>Tỉnh {provinceName()}</small>
          </span>
        </div>
        <nav aria-label="Chức năng chính">
          <ul>
            {nav
              .filter((n) => n.show)
              .map((n) => (
                <li key={n.to}>
                  <a href={n.to} aria-current={n.match(loc.path) ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <div class="who">
          <span class="who-name" data-testid="who">
            {me.name ?? me.userId}
            <small>
              {me.roleLabel} · {jurisdictionLabel(me)}
            </small>
          </span>
          <button type="button" class="btn ghost" onClick={() => signOut()}>
            Đăng xuất
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
      <div class="sr-only" aria-live="polite">
        {live}
      </div>
    </AppContext.Provider>
  );
}
