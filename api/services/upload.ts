import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ApiError, badRequest } from '../errors';

/** Reads a stream into memory up to `max` bytes; beyond that, 413. For small files only (inventories). */
export async function readLimited(stream: Readable, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of stream) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as string);
    total += b.length;
    if (total > max) {
      stream.destroy();
      throw new ApiError('PayloadTooLarge', `${what} vượt quá ${Math.round(max / 1024 / 1024)} MB`, [{ path: what, message: 'quá lớn' }]);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** One file from the request: a multipart part named `file` or a raw body. */
export async function singleFile(req: FastifyRequest, max: number, fallbackName: string): Promise<{ filename: string; contentType: string; data: Buffer }> {
  if (req.isMultipart()) {
    const part = await req.file({ limits: { fileSize: max, files: 1 } });
    if (!part) throw badRequest('thiếu tệp (trường "file" của multipart/form-data)', [{ path: 'file', message: 'thiếu tệp' }]);
    const data = await readLimited(part.file, max, part.filename || fallbackName);
    if (part.file.truncated) throw new ApiError('PayloadTooLarge', `${part.filename} vượt quá ${Math.round(max / 1024 / 1024)} MB`, [{ path: part.filename, message: 'quá lớn' }]);
    return { filename: part.filename || fallbackName, contentType: part.mimetype, data };
  }
  const body = req.body as Readable | undefined;
  if (!body || typeof (body as Readable).pipe !== 'function') {
    throw new ApiError('UnsupportedMediaType', 'gửi tệp dạng multipart/form-data (trường "file") hoặc nội dung thô với Content-Type của tệp', [{ path: 'content-type', message: String(req.headers['content-type'] ?? 'không có') }]);
  }
  const name = (req.query as { filename?: string } | undefined)?.filename ?? fallbackName;
  return { filename: name, contentType: String(req.headers['content-type'] ?? ''), data: await readLimited(body, max, name) };
}
