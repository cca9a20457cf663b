import type { Readable } from 'node:stream';

/** What the store knows of an object: its key, size and sha256 (hex). */
export interface StoredObject {
  key: string;
  bytes: number;
  sha256: string;
}

/**
 * Where artifacts live: a local folder by default, S3/MinIO in production. Workflows hold keys
 * and checksums only (claim check). Writes are atomic: a reader never sees a half-written object,
 * and writing the same content again is a no-op.
 */
export interface ArtifactStore {
  readonly kind: 'fs' | 's3';
  /** Streams `body` to `key` atomically; returns the stored object's size and sha256. */
  put(key: string, body: Readable | Buffer | string, opts?: { contentType?: string }): Promise<StoredObject>;
  get(key: string): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  /** undefined when absent. */
  head(key: string): Promise<StoredObject | undefined>;
  /** Objects under a prefix (`prefix/`), sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  copy(from: string, to: string): Promise<StoredObject>;
  delete(key: string): Promise<void>;
  /** Removes every object under a prefix. */
  deletePrefix(prefix: string): Promise<void>;
  /** Cheap reachability check for /health. */
  ping(): Promise<void>;
}
