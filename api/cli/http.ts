/** A failure the CLI reports as one clear line and a non-zero exit. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
}

/** The API over HTTP, with the user's token; API errors become CliErrors with the server's message. */
export class ApiClient {
  constructor(private readonly o: ApiClientOptions) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    if (!this.o.token) throw new CliError('cần mã truy cập: đặt biến SOHOA_TOKEN hoặc dùng --token (tạo bằng "sohoa user add")');
    return { authorization: `Bearer ${this.o.token}`, ...extra };
  }

  async request<T>(method: string, path: string, body?: unknown, init: { raw?: BodyInit; contentType?: string } = {}): Promise<T> {
    const url = new URL(path, this.o.baseUrl);
    const headers = this.headers(body !== undefined ? { 'content-type': 'application/json' } : init.contentType ? { 'content-type': init.contentType } : {});
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body !== undefined ? JSON.stringify(body) : init.raw });
    } catch (e) {
      throw new CliError(`không kết nối được API tại ${this.o.baseUrl} (${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}); API có đang chạy? (make up)`);
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!res.ok) {
      const err = data as { error?: string; message?: string; details?: Array<{ path: string; message: string }> } | undefined;
      const details = err?.details?.length ? '\n' + err.details.map((d) => `  - ${d.path}: ${d.message}`).join('\n') : '';
      throw new CliError(`${res.status} ${err?.error ?? res.statusText}: ${err?.message ?? text}${details}`);
    }
    return data as T;
  }

  get<T>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
}
