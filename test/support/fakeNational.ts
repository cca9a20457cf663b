import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the national import endpoint (CSDLHTĐT): accepts a multipart package,
 * remembers Idempotency-Keys (a repeated key gets the first answer again, nothing is imported
 * twice) and plays configurable faults. `submissions` counts real imports, `calls` every request.
 */
export interface FakeNationalFaults {
  /** Answer 503 to the first N calls, before reading anything into the "database". */
  failFirst?: number;
  /** Import, then hold the answer of the first N calls for `ms` (longer than the client waits). */
  slowFirst?: { calls: number; ms: number };
  /** Accept only k of the records (partial acceptance); the rest are rejected with a reason. */
  acceptAtMost?: number;
  /** Answer this status (e.g. 422) to every call. */
  status?: number;
  /** Answer 503 to every call whose Idempotency-Key this picks (a package the endpoint keeps refusing). */
  refuse?: (idempotencyKey: string) => boolean;
  /** Import, then hold the answer of the next `imports` new packages for `ms` (counts down as they come). */
  holdNext?: { imports: number; ms: number };
}

/** What one call got: its Idempotency-Key, the status answered, and whether the answer was held. */
export interface FakeNationalCall {
  key: string;
  status: number;
  held: boolean;
}

export interface ReceivedPart {
  name: string;
  fileName?: string;
  bytes: number;
  sha256: string;
  text?: string;
}

export interface FakeNationalSubmission {
  idempotencyKey: string;
  metadata: Record<string, unknown>;
  parts: ReceivedPart[];
  answer: { accepted: number; rejected: number; receipt: string; rejections: { row: number; reason: string }[] };
}

export interface FakeNational {
  url: string;
  calls: number;
  /** Real imports (one per new Idempotency-Key). */
  submissions: FakeNationalSubmission[];
  /** Every call with a key, in order. */
  log: FakeNationalCall[];
  faults: FakeNationalFaults;
  stop(): Promise<void>;
}

function parseMultipart(body: Buffer, contentType: string): ReceivedPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw new Error('no boundary');
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: ReceivedPart[] = [];
  let pos = body.indexOf(boundary);
  while (pos >= 0) {
    const start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(boundary, headEnd);
    if (headEnd < 0 || next < 0) throw new Error('truncated multipart body');
    const head = body.subarray(start + 2, headEnd).toString('utf8');
    const content = body.subarray(headEnd + 4, next - 2); // minus the CRLF before the boundary
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    const fileName = /filename="([^"]*)"/.exec(head)?.[1];
    parts.push({
      name,
      ...(fileName !== undefined ? { fileName } : {}),
      bytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      ...(fileName === undefined || name === 'manifest' ? { text: content.toString('utf8') } : {}),
    });
    pos = next;
  }
  return parts;
}

export async function startFakeNational(faults: FakeNationalFaults = {}): Promise<FakeNational> {
  const answers = new Map<string, FakeNationalSubmission['answer']>();
  const timers = new Set<NodeJS.Timeout>();
  const state: FakeNational = { url: '', calls: 0, submissions: [], log: [], faults, stop: async () => {} };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const call = ++state.calls;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || typeof key !== 'string' || key === '') return send(res, 400, { error: 'Idempotency-Key bắt buộc' });
    const fail = (status: number, body: unknown) => {
      state.log.push({ key, status, held: false });
      send(res, status, body);
    };
    if (state.faults.status) return fail(state.faults.status, { error: 'gói bị từ chối' });
    if (state.faults.refuse?.(key)) return fail(503, { error: 'hệ thống bận' });
    let slow = state.faults.slowFirst && call <= state.faults.slowFirst.calls ? state.faults.slowFirst.ms : 0;
    const reply = (a: FakeNationalSubmission['answer']) => {
      state.log.push({ key, status: 200, held: slow > 0 });
      if (slow) later(slow, () => send(res, 200, a));
      else send(res, 200, a);
    };

    const known = answers.get(key);
    if (known) return reply(known);
    if (call <= (state.faults.failFirst ?? 0)) return fail(503, { error: 'hệ thống bận' });
    const hold = state.faults.holdNext;
    if (hold && hold.imports > 0) {
      hold.imports--;
      slow = Math.max(slow, hold.ms);
    }

    const parts = parseMultipart(body, req.headers['content-type'] ?? '');
    const meta = JSON.parse(parts.find((p) => p.name === 'metadata')?.text ?? '{}') as Record<string, unknown>;
    const records = Number(meta.records ?? 0);
    const accepted = Math.min(records, state.faults.acceptAtMost ?? records);
    const rejections = Array.from({ length: records - accepted }, (_, i) => ({ row: accepted + i + 2, reason: 'trùng dữ liệu đã có trong CSDLHTĐT' }));
    const answer = { accepted, rejected: records - accepted, receipt: `BTP-${String(state.submissions.length + 1).padStart(6, '0')}`, rejections };
    answers.set(key, answer);
    state.submissions.push({ idempotencyKey: key, metadata: meta, parts, answer });
    reply(answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => send(res, 500, { error: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/import`;
  const stop = async () => {
    for (const t of timers) clearTimeout(t);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  state.stop = stop;
  process.once('exit', () => server.close());
  return state;
}
