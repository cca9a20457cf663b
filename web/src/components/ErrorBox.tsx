import { ApiFailure } from '../api';

const TITLES: Record<number, string> = {
  0: 'Không kết nối được máy chủ',
  400: 'Dữ liệu không hợp lệ',
  401: 'Cần đăng nhập',
  403: 'Không có quyền',
  404: 'Không tìm thấy',
  409: 'Không thực hiện được ở bước này',
  413: 'Tệp quá lớn',
  415: 'Kiểu tệp không được hỗ trợ',
  503: 'Dịch vụ tạm thời không sẵn sàng',
  504: 'Máy chủ không trả lời kịp',
};

/** The server's own message, with a title for its status and each detail (field, row or file). */
export function ErrorBox({ error, title }: { error: Error; title?: string }) {
  const f = error instanceof ApiFailure ? error : undefined;
  const heading = title ?? (f ? (TITLES[f.status] ?? `Lỗi ${f.status}`) : 'Đã có lỗi');
  const message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return (
    <div class="alert error" role="alert" data-testid="error">
      <strong>{heading}</strong>
      <p>{message}</p>
      {f && f.details.length > 1 && (
        <ul>
          {f.details.map((d, i) => (
            <li key={i}>
              <code>{d.path}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
