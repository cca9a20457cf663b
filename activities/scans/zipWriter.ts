import * as archiverModule from 'archiver';
import type { Archiver, ArchiverOptions } from 'archiver';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import type { ArtifactStore, StoredObject } from '../../clients/storage/types';

// archiver 7 is a CommonJS function; the installed @types/archiver describe v8's classes.
const archiver = ((archiverModule as unknown as { default?: unknown }).default ?? archiverModule) as (format: 'zip', options: ArchiverOptions) => Archiver;

/**
 * archiver computes each entry's CRC-32 with the pure-JS `crc-32` package (~0.5 GB/s), the largest
 * CPU cost of zipping scans. Node's zlib.crc32 gives the same value ~10× faster, so the function
 * archiver's own copy of `crc-32` exports is pointed at it, after checking that both agree.
 */
function useNativeCrc32(): void {
  try {
    const fromArchiver = createRequire(createRequire(import.meta.url).resolve('archiver'));
    const fromCommons = createRequire(createRequire(fromArchiver.resolve('zip-stream')).resolve('compress-commons'));
    const lib = fromCommons('crc-32') as { buf: (b: Uint8Array, seed?: number) => number };
    const original = lib.buf;
    const native = (b: Uint8Array, seed?: number) => crc32(b, (seed ?? 0) >>> 0) | 0;
    const probe = Buffer.from('sohoa crc probe 0123456789');
    if (native(probe) === original(probe) && native(probe, 12345) === original(probe, 12345)) lib.buf = native;
  } catch {
    /* layout of archiver's dependencies changed: keep its own CRC */
  }
}
useNativeCrc32();

/** Every entry gets this date, so the same files always give the same zip bytes. */
const ZIP_DATE = new Date(Date.UTC(2000, 0, 1));
/** Bytes appended but not yet taken by the store; caps the zip's share of memory. */
const MAX_IN_FLIGHT = 8 * 1024 * 1024;

class Meter extends Transform {
  passed = 0;
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.passed += chunk.length;
    cb(null, chunk);
    this.emit('passed');
  }
}

/**
 * A zip (store mode: scans are already compressed) streamed straight into the store under `key`.
 * Entries go in the order they are added. archiver takes buffers without waiting for its reader,
 * so `add` waits until the store has taken all but MAX_IN_FLIGHT bytes: memory stays bounded
 * whatever the book's size. `abort` fails the store write, which then leaves no object behind.
 */
export class ZipWriter {
  private readonly archive = archiver('zip', { store: true, forceZip64: false });
  private readonly meter = new Meter();
  private readonly done: Promise<StoredObject>;
  private readonly failed: Promise<never>;
  private added = 0;

  constructor(store: ArtifactStore, key: string) {
    pipeline(this.archive, this.meter, () => undefined); // errors reach the store through the meter
    this.done = store.put(key, this.meter, { contentType: 'application/zip' });
    this.failed = this.done.then(
      () => new Promise<never>(() => undefined),
      (e) => Promise.reject(e),
    );
    this.failed.catch(() => undefined); // observed by add/finish
  }

  async add(name: string, data: Buffer | Uint8Array): Promise<void> {
    this.archive.append(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength), { name, date: ZIP_DATE, mode: 0o644 });
    this.added += data.byteLength;
    while (this.added - this.meter.passed > MAX_IN_FLIGHT) {
      await Promise.race([once(this.meter, 'passed'), this.failed]);
    }
  }

  async finish(): Promise<StoredObject> {
    await Promise.race([this.archive.finalize(), this.failed]);
    return this.done;
  }

  async abort(reason: Error): Promise<void> {
    this.archive.destroy(reason);
    await this.done.catch(() => undefined);
  }
}
