import { badInput } from '../failures';
import { heartbeat, whileAlive } from '../heartbeat';
import { ApplicationFailure } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { typeCode } from '../../domain/registerTypes';
import { bookPrefix, excelName, manifestName, zipName } from '../../domain/naming';
import { isNotFound } from '../../clients/storage/errors';
import type { ArtifactStore } from '../../clients/storage/types';
import { multipartBody } from './multipart';
import { rowsDigest } from './rowsDigest';
import { checkSources } from './outbox';
import { importPrefix, nationalAnswerSchema, type HttpResult, type ImportPackage, type RegistryGateway } from './types';

export interface HttpGatewayOptions {
  /** The national endpoint (SOHOA_GATEWAY_URL). */
  url: string;
  store: ArtifactStore;
  fetch?: typeof fetch;
  /** Per attempt; a late answer is not lost: the endpoint replays it for the same Idempotency-Key. */
  timeoutMs?: number;
  /** Quick attempts inside one activity attempt; Temporal's retry policy does the rest. */
  attempts?: number;
  backoffMs?: number;
  headers?: Record<string, string>;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);


/**
 * Posts the package as a streamed multipart body with `Idempotency-Key: {workflowId}:{sha256 of the
 * Excel's rows}`, so a retry (ours or Temporal's), or the same rows saved again, never makes a second
 * import; the answer is recorded in `…/import/receipt.json` and a recorded answer for the same key
 * (or for the file's own sha256, the key before rows were digested) is returned without posting again.
 */
export class HttpGateway implements RegistryGateway {
  readonly mode = 'http' as const;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly opts: HttpGatewayOptions) {
    this.fetch = opts.fetch ?? globalThis.fetch;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.attempts = Math.max(1, opts.attempts ?? 3);
    this.backoffMs = opts.backoffMs ?? 500;
  }

  async submit(pkg: ImportPackage): Promise<HttpResult> {
    const { store } = this.opts;
    const src = await checkSources(store, pkg);
    const idempotencyKey = `${pkg.workflowId}:${(await rowsDigest(store, pkg.excelKey)) ?? src.excel.sha256}`;
    const receiptKey = `${importPrefix(bookPrefix(pkg.book))}/receipt.json`;
    const recorded = await readReceipt(store, receiptKey);
    if (recorded?.idempotencyKey === idempotencyKey || recorded?.idempotencyKey === `${pkg.workflowId}:${src.excel.sha256}`) {
      const a = nationalAnswerSchema.parse(recorded.answer);
      return { mode: 'http', accepted: a.accepted, rejected: a.rejected, receipt: a.receipt, receiptKey, idempotencyKey, attempts: 0 };
    }

    const metadata = {
      workflowId: pkg.workflowId,
      agencyCode: pkg.book.agency.code,
      agencyName: pkg.book.agency.name,
      typeCode: typeCode(pkg.book.type),
      bookNo: pkg.book.bookNo,
      yearFrom: pkg.book.yearFrom,
      yearTo: pkg.book.yearTo,
      records: pkg.records,
      files: {
        excel: { name: excelName(pkg.book), sha256: src.excel.sha256, bytes: src.excel.bytes },
        pdfs: { name: zipName(pkg.book), sha256: src.zip.sha256, bytes: src.zip.bytes },
        manifest: { name: manifestName(pkg.book), sha256: src.manifest.sha256, bytes: src.manifest.bytes },
      },
    };
    const problems: string[] = [];
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      heartbeat({ attempt, idempotencyKey });
      const { contentType, body } = multipartBody([
        { name: 'metadata', value: JSON.stringify(metadata), contentType: 'application/json' },
        { name: 'excel', fileName: metadata.files.excel.name, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', open: () => store.get(pkg.excelKey) },
        { name: 'pdfs', fileName: metadata.files.pdfs.name, contentType: 'application/zip', open: () => store.get(pkg.zipKey) },
        { name: 'manifest', fileName: metadata.files.manifest.name, contentType: 'application/json', open: () => store.get(pkg.manifestKey) },
      ]);
      let retryAfterMs: number | undefined;
      try {
        const { res, text } = await whileAlive(
          () => ({ attempt, idempotencyKey, posting: true }),
          async () => {
            const res = await this.fetch(this.opts.url, {
              method: 'POST',
              headers: { ...this.opts.headers, 'content-type': contentType, 'idempotency-key': idempotencyKey, accept: 'application/json' },
              body,
              duplex: 'half',
              signal: AbortSignal.timeout(this.timeoutMs),
            } as RequestInit);
            return { res, text: await res.text() };
          },
        );
        if (res.ok) {
          const parsed = nationalAnswerSchema.safeParse(safeJson(text));
          if (!parsed.success) {
            throw badInput('NationalAnswerInvalid', `CSDLHTĐT trả lời không đúng định dạng (HTTP ${res.status}): ${text.slice(0, 300)}`);
          }
          const a = parsed.data;
          await store.put(
            receiptKey,
            JSON.stringify({ idempotencyKey, url: this.opts.url, status: res.status, answeredAt: new Date().toISOString(), attempt, answer: a }, null, 2),
            { contentType: 'application/json' },
          );
          return { mode: 'http', accepted: a.accepted, rejected: a.rejected, receipt: a.receipt, receiptKey, idempotencyKey, attempts: attempt };
        }
        if (!RETRYABLE_STATUS.has(res.status)) {
          throw badInput('NationalRejected', `CSDLHTĐT từ chối gói của ${pkg.workflowId} (HTTP ${res.status}): ${text.slice(0, 500)}`);
        }
        problems.push(`lần ${attempt}: HTTP ${res.status}`);
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra * 1000, 10_000);
      } catch (e) {
        if (e instanceof ApplicationFailure) throw e;
        const err = e as Error;
        problems.push(`lần ${attempt}: ${err.name === 'TimeoutError' || err.name === 'AbortError' ? `quá ${this.timeoutMs} ms không trả lời` : err.message}`);
      }
      if (attempt < this.attempts) await sleep(retryAfterMs ?? this.backoffMs * 2 ** (attempt - 1));
    }
    // An ordinary error: Temporal retries the activity with its own backoff, same Idempotency-Key.
    throw new Error(`không gửi được gói nhập CSDLHTĐT của ${pkg.workflowId} tới ${this.opts.url}: ${problems.join('; ')}`);
  }
}

async function readReceipt(store: ArtifactStore, key: string): Promise<{ idempotencyKey?: string; answer?: unknown } | undefined> {
  try {
    return JSON.parse((await store.getBuffer(key)).toString('utf8'));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
