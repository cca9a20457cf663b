import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';

/**
 * Keys are relative, slash-separated paths: no empty segment, no `.`/`..`, no backslash, no
 * absolute path, no control character. One rule for both adapters so a key valid on S3 is
 * valid on disk.
 */
export function checkKey(key: string): string {
  const bad = (why: string) => new Error(`khóa lưu trữ không hợp lệ "${key}": ${why}`);
  if (typeof key !== 'string' || key.length === 0) throw bad('rỗng');
  if (key.length > 900) throw bad('quá dài');
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) throw bad('không được là đường dẫn tuyệt đối');
  if (key.includes('\\')) throw bad('không được chứa dấu \\');
  if (/[\u0000-\u001f\u007f]/.test(key)) throw bad('chứa ký tự điều khiển');
  for (const seg of key.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw bad('có đoạn rỗng, "." hoặc ".."');
  }
  return key;
}

/** A prefix is a key without its trailing slash; '' means everything. */
export function checkPrefix(prefix: string): string {
  const p = prefix.replace(/\/+$/, '');
  return p === '' ? '' : checkKey(p);
}

export function toReadable(body: Readable | Buffer | string): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body, 'utf8')]);
  if (Buffer.isBuffer(body)) return Readable.from([body]);
  return body;
}

/** Passes bytes through while computing their sha256 and length. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  digest: string | undefined;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    cb();
  }
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

/**
 * A person's file name as the last segment of a key, so that what is said about the file names it as
 * they know it: NFC, only letters, digits, spaces and `._-` (others become `_`), its extension kept.
 */
export function storedName(name: string, ext: string, fallback: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').normalize('NFC');
  const stem = base
    .replace(new RegExp(`\\${ext}$`, 'i'), '')
    .replace(/[^\p{L}\p{N}._\- ]/gu, '_')
    .replace(/^[.\s]+|\s+$/g, '')
    .slice(0, 120);
  return stem ? `${stem}${ext}` : fallback;
}
