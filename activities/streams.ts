import { Readable, Transform, type TransformCallback } from 'node:stream';

/** A zip's local-file-header signature (also an .xlsx's first bytes). */
export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Counts bytes into `budget` (shared by every file of one delivery) and fails with `tooLarge()` past its max. */
export function byteMeter(budget: { used: number; max: number }, tooLarge: () => Error): Transform {
  return new Transform({
    transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback) {
      budget.used += chunk.length;
      if (budget.used > budget.max) cb(tooLarge());
      else cb(null, chunk);
    },
  });
}

/** The first bytes of a stream, put back so the stream still reads whole. */
export async function peek(stream: Readable, n: number): Promise<[Buffer, Readable]> {
  const it = stream[Symbol.asyncIterator]();
  const got: Buffer[] = [];
  let len = 0;
  while (len < n) {
    const r = await it.next();
    if (r.done) break;
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    got.push(b);
    len += b.length;
  }
  const head = Buffer.concat(got);
  async function* rest() {
    if (head.length) yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Buffer;
    }
  }
  return [head.subarray(0, n), Readable.from(rest(), { objectMode: false })];
}
