import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type IntakeFile } from '../../activities/scans/intake';
import { byteMeter } from '../../activities/streams';
import { ApiError, badRequest } from '../errors';

// Files of a request, streamed: multipart parts or a raw body, metered against the upload limit (413).
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const SCAN_EXTS = /\.(pdf|jpe?g|png|zip)$/i;

export class TooLarge extends ApiError {
  constructor(max: number, what: string, setting = 'SOHOA_MAX_UPLOAD_MB') {
    super('PayloadTooLarge', `${what} vượt quá giới hạn ${Math.round(max / 1024 / 1024)} MB (${setting})`, [{ path: what, message: 'quá lớn' }]);
  }
}

/** What a request may still send: bytes used and allowed, and what sets the limit (named in the 413). */
export type Budget = { used: number; max: number; setting?: string };

export function metered(body: Readable, budget: Budget, what: string): Readable {
  // Counts the request's bytes across all its files and stops past the limit (413).
  const m = byteMeter(budget, () => new TooLarge(budget.max, what, budget.setting));
  // A broken request (client gone, file over the multipart limit) fails the metered stream, so the store write fails too.
  pipeline(body, m).catch((e: unknown) => m.destroy(e as Error));
  return m;
}

export function fileTooLarge(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'FST_REQ_FILE_TOO_LARGE' || (e as { statusCode?: number } | null)?.statusCode === 413;
}

/** What a failed upload answers: our own errors as they are, the multipart limit's error as our 413. */
export function uploadError(e: unknown, max: number, what: string, setting?: string): unknown {
  return !(e instanceof ApiError) && fileTooLarge(e) ? new TooLarge(max, what, setting) : e;
}

/** The files of a request: each multipart file part, or the raw body as one file (a zip). */
export async function* requestFiles(req: FastifyRequest, budget: Budget, allowed: RegExp, fallbackName: string): AsyncGenerator<IntakeFile> {
  if (req.isMultipart()) {
    for await (const part of req.files({ limits: { fileSize: budget.max } }) as AsyncIterable<MultipartFile>) {
      const name = part.filename || part.fieldname;
      if (!allowed.test(name)) {
        part.file.resume();
        throw new ApiError('UnsupportedMediaType', `${name}: loại tệp không được nhận`, [{ path: name, message: `chỉ nhận ${allowed.source}` }]);
      }
      yield { name, body: metered(part.file, budget, name) };
    }
    return;
  }
  const body = req.body as Readable | undefined;
  if (!body || typeof body.pipe !== 'function') {
    throw new ApiError('UnsupportedMediaType', 'gửi tệp dạng multipart/form-data hoặc nội dung thô (application/zip, application/octet-stream)', [
      { path: 'content-type', message: String(req.headers['content-type'] ?? 'không có') },
    ]);
  }
  const name = (req.query as { filename?: string }).filename ?? fallbackName;
  if (!allowed.test(name)) throw new ApiError('UnsupportedMediaType', `${name}: loại tệp không được nhận`, [{ path: name, message: `chỉ nhận ${allowed.source}` }]);
  yield { name, body: metered(body, budget, name) };
}

/** One file of a request (multipart or raw), streamed; the caller consumes it. */
export async function oneFile(req: FastifyRequest, budget: Budget, fallbackName: string): Promise<{ name: string; contentType: string; body: Readable }> {
  if (req.isMultipart()) {
    const part = await req.file({ limits: { fileSize: budget.max, files: 1 } });
    if (!part) throw badRequest('thiếu tệp (trường "file" của multipart/form-data)', [{ path: 'file', message: 'thiếu tệp' }]);
    return { name: part.filename || fallbackName, contentType: part.mimetype, body: metered(part.file, budget, part.filename || fallbackName) };
  }
  const body = req.body as Readable | undefined;
  if (!body || typeof body.pipe !== 'function') {
    throw new ApiError('UnsupportedMediaType', 'gửi tệp dạng multipart/form-data (trường "file") hoặc nội dung thô với Content-Type của tệp', [
      { path: 'content-type', message: String(req.headers['content-type'] ?? 'không có') },
    ]);
  }
  const name = (req.query as { filename?: string }).filename ?? fallbackName;
  return { name, contentType: String(req.headers['content-type'] ?? ''), body: metered(body, budget, name) };
}
