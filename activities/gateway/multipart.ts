import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export type MultipartPart =
  | { name: string; value: string; contentType?: string }
  | { name: string; fileName: string; contentType: string; open: () => Promise<Readable> };

/**
 * A multipart/form-data body streamed part by part: files are read from the store while sending,
 * so a zip of several hundred MB never sits in memory (FormData + Blob would buffer it).
 */
export function multipartBody(parts: MultipartPart[]): { contentType: string; body: ReadableStream<Uint8Array> } {
  const boundary = `----sohoa${randomBytes(12).toString('hex')}`;
  const quote = (s: string) => s.replace(/["\\\r\n]/g, (c) => encodeURIComponent(c));
  async function* generate(): AsyncGenerator<Buffer> {
    for (const p of parts) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(p.name)}"`;
      if ('open' in p) {
        // filename* carries the UTF-8 name for servers that read RFC 5987; names here are ASCII anyway.
        head += `; filename="${quote(p.fileName)}"; filename*=UTF-8''${encodeURIComponent(p.fileName)}`;
      }
      head += `\r\nContent-Type: ${p.contentType ?? 'text/plain; charset=utf-8'}\r\n\r\n`;
      yield Buffer.from(head, 'utf8');
      if ('open' in p) {
        for await (const chunk of await p.open()) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      } else {
        yield Buffer.from(p.value, 'utf8');
      }
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Readable.toWeb(Readable.from(generate())) as ReadableStream<Uint8Array>,
  };
}
