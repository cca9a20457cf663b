/** The API over HTTP: bearer token from sessionStorage, JSON errors `{ error, message, details }`. */
import type { ErrorBody, ProblemDetail } from './types';

const TOKEN_KEY = 'sohoa.token';

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** An error answer of the API (or a network failure, status 0), with the server's own message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ProblemDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Listeners for 401: the token expired or was revoked, so the page goes back to sign-in. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const t = session.token;
  return { ...(t ? { authorization: `Bearer ${t}` } : {}), ...extra };
}

async function failureOf(res: Response): Promise<ApiFailure> {
  let body: Partial<ErrorBody> = {};
  try {
    body = await res.json();
  } catch {
    // not JSON: keep the status line
  }
  const f = new ApiFailure(res.status, body.error ?? String(res.status), body.message ?? `${res.status} ${res.statusText}`, body.details ?? []);
  if (res.status === 401) unauthorizedListeners.forEach((l) => l());
  return f;
}

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export function queryString(q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) p.set(k, v.join(','));
    } else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path + queryString(opts.query), {
      method,
      headers: authHeaders({ accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers }),
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
  } catch (e) {
    throw new ApiFailure(0, 'Network', `không kết nối được máy chủ: ${(e as Error).message}`);
  }
  if (!res.ok) throw await failureOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query });
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, { body: body ?? {}, headers });

/** Downloads a protected file (the token is a header, so a plain link cannot do it). */
export async function download(path: string, fallbackName: string, query?: Query): Promise<void> {
  let res: Response;
  try {
    res = await fetch(path + queryString(query), { headers: authHeaders() });
  } catch (e) {
    throw new ApiFailure(0, 'Network', `không kết nối được máy chủ: ${(e as Error).message}`);
  }
  if (!res.ok) throw await failureOf(res);
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]!) : plain ? plain[1]! : fallbackName;
  saveBlob(blob, name);
}

/** A protected image as an object URL for an <img> (the token is a header); the caller revokes it. */
export async function imageUrl(path: string, query?: Query): Promise<string> {
  const res = await fetch(path + queryString(query), { headers: authHeaders() });
  if (!res.ok) throw await failureOf(res);
  return URL.createObjectURL(await res.blob());
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Uploads files as multipart/form-data with XMLHttpRequest, whose upload events give a progress bar
 * (fetch has none). Resolves with the JSON answer; rejects with the server's message.
 */
export function upload<T>(
  method: 'PUT' | 'POST',
  path: string,
  files: readonly File[],
  onProgress: (p: UploadProgress) => void,
  opts: { field?: string; query?: Query; signal?: AbortSignal } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path + queryString(opts.query));
    for (const [k, v] of Object.entries(authHeaders({ accept: 'application/json' }))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.onerror = () => reject(new ApiFailure(0, 'Network', 'mất kết nối khi tải lên'));
    xhr.onabort = () => reject(new ApiFailure(0, 'Aborted', 'đã hủy tải lên'));
    xhr.onload = () => {
      let body: unknown = {};
      try {
        body = JSON.parse(xhr.responseText || '{}');
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      if (xhr.status === 401) unauthorizedListeners.forEach((l) => l());
      const e = body as Partial<ErrorBody>;
      reject(new ApiFailure(xhr.status, e.error ?? String(xhr.status), e.message ?? `${xhr.status} ${xhr.statusText}`, e.details ?? []));
    };
    opts.signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    for (const f of files) form.append(opts.field ?? 'file', f, (f as File & { relativePath?: string }).relativePath ?? f.name);
    xhr.send(form);
  });
}
