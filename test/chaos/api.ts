import type { Person } from './stack';

export interface Answer<T = any> {
  /** HTTP status, or 0 when no answer came (connection refused, reset, or our timeout). */
  status: number;
  body: T;
}

/**
 * The API over real HTTP, as the dashboard and the CLI use it: bearer tokens, JSON errors. Counts the
 * writes in flight, so a fault can be timed to land while people are acting.
 */
export class ApiClient {
  writesInFlight = 0;
  /** Answers 500: an error the API did not explain (Temporal down is 503, no worker in time is 504). */
  readonly internalErrors: string[] = [];

  constructor(
    private readonly base: string,
    private readonly tokens: Record<Person, string>,
  ) {}

  async call<T = any>(
    who: Person,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    opts: { json?: unknown; body?: Buffer; contentType?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.tokens[who]}`, ...opts.headers };
    let body: Uint8Array<ArrayBuffer> | string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.body) {
      headers['content-type'] = opts.contentType ?? 'application/octet-stream';
      body = new Uint8Array(opts.body);
    }
    const write = method !== 'GET';
    if (write) this.writesInFlight++;
    try {
      const res = await fetch(`${this.base}${path}`, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 35_000) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text for the message
      }
      if (res.status === 500) this.internalErrors.push(`${method} ${path}: ${text.slice(0, 200)}`);
      return { status: res.status, body: parsed as T };
    } catch (e) {
      return { status: 0, body: { message: (e as Error).message } as T };
    } finally {
      if (write) this.writesInFlight--;
    }
  }
}
