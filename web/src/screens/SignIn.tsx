import { useState } from 'preact/hooks';
import { ErrorBox } from '../components/ErrorBox';
import { useTitle } from '../hooks';

/** Sign-in with the bearer token handed out by `sohoa user add`; it lives in this tab's sessionStorage only. */
export function SignIn({ busy, error, onSubmit }: { busy: boolean; error?: Error; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState('');
  useTitle('Đăng nhập');
  return (
    <main id="main" class="signin">
      <form
        class="card signin-card"
        onSubmit={(e) => {
          e.preventDefault();
          const t = token.trim();
          if (t) onSubmit(t);
        }}
      >
        <h1>Số hóa sổ hộ tịch</h1>
        <p class="muted">Bảng điều khiển cho quản lý dự án, công chức tư pháp, nhà thầu và kiểm toán.</p>
        {error && <ErrorBox error={error} title="Không đăng nhập được" />}
        <label for="token">Mã truy cập</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          autoFocus
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          aria-describedby="token-help"
        />
        <p id="token-help" class="hint">
          Mã do quản trị cấp bằng lệnh <code>sohoa user add</code>. Mã chỉ được giữ trong thẻ trình duyệt này và mất khi đóng thẻ.
        </p>
        <button type="submit" class="btn primary" disabled={busy}>
          {busy ? 'Đang kiểm tra…' : 'Đăng nhập'}
        </button>
      </form>
    </main>
  );
}
