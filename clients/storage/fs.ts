import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectNotFoundError } from './errors';
import { checkKey, checkPrefix, HashingStream, toReadable } from './keys';
import type { ArtifactStore, StoredObject } from './types';

/** Internal folder (temp files, checksum cache) inside the root; no key may start with it. */
const INTERNAL = '.sohoa';

interface Meta {
  sha256: string;
  bytes: number;
  ino: number;
  mtimeMs: number;
}

const isEnoent = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT';
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Artifact store on a local folder: objects are plain files at `root/<key>` (browsable by hand).
 * A write goes to a temp file in the same file system, is fsynced, then renamed over the target,
 * so a reader sees the old object or the new one, never half of one. The sha256 is computed while
 * streaming and cached in `root/.sohoa/meta/<key>.json`, trusted only while the file's inode, size
 * and mtime still match (a crash between rename and cache write just means a recomputation).
 */
export class FsStore implements ArtifactStore {
  readonly kind = 'fs' as const;
  readonly root: string;
  private readonly tmpDir: string;
  private readonly metaDir: string;
  private ready: Promise<void> | undefined;

  constructor(root: string) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, INTERNAL, 'tmp');
    this.metaDir = join(this.root, INTERNAL, 'meta');
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.tmpDir, { recursive: true });
      await mkdir(this.metaDir, { recursive: true });
      // Temp files left by a killed process: old ones can no longer be in use.
      const cutoff = Date.now() - 3600_000;
      for (const name of await readdir(this.tmpDir)) {
        const p = join(this.tmpDir, name);
        const s = await stat(p).catch(() => undefined);
        if (s && s.mtimeMs < cutoff) await rm(p, { force: true });
      }
    })();
    return this.ready;
  }

  private path(key: string): string {
    checkKey(key);
    if (key === INTERNAL || key.startsWith(`${INTERNAL}/`)) throw new Error(`khóa lưu trữ không hợp lệ "${key}": tên dành riêng`);
    const p = join(this.root, ...key.split('/'));
    if (!p.startsWith(this.root + sep)) throw new Error(`khóa lưu trữ không hợp lệ "${key}"`);
    return p;
  }

  private metaPath(key: string): string {
    return join(this.metaDir, ...key.split('/')) + '.json';
  }

  private tmpPath(): string {
    return join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
  }

  async put(key: string, body: Readable | Buffer | string): Promise<StoredObject> {
    const target = this.path(key);
    await this.init();
    const tmp = this.tmpPath();
    try {
      const hasher = new HashingStream();
      await pipeline(toReadable(body), hasher, createWriteStream(tmp, { flags: 'wx' }));
      const sha256 = hasher.digest!;
      const existing = await this.head(key);
      if (existing && existing.sha256 === sha256 && existing.bytes === hasher.bytes) {
        await unlink(tmp);
        return existing; // same content: leave the object (and its mtime) untouched
      }
      await fsyncFile(tmp);
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
      await fsyncDir(dirname(target));
      await this.writeMeta(key, target, sha256);
      return { key, bytes: hasher.bytes, sha256 };
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async get(key: string): Promise<Readable> {
    const p = this.path(key);
    // Open first so a missing key fails here, not on the first read.
    const handle = await open(p, 'r').catch((e) => {
      throw isEnoent(e) || (e as NodeJS.ErrnoException).code === 'EISDIR' ? new ObjectNotFoundError(key) : e;
    });
    const s = await handle.stat();
    if (!s.isFile()) {
      await handle.close();
      throw new ObjectNotFoundError(key);
    }
    return createReadStream('', { fd: handle });
  }

  async getBuffer(key: string): Promise<Buffer> {
    // One read into one buffer: no chunk list to concatenate (scans are read whole, case by case).
    return readFile(this.path(key)).catch((e) => {
      throw isEnoent(e) || (e as NodeJS.ErrnoException).code === 'EISDIR' ? new ObjectNotFoundError(key) : e;
    });
  }

  async head(key: string): Promise<StoredObject | undefined> {
    const p = this.path(key);
    const s = await stat(p).catch((e) => {
      if (isEnoent(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    });
    if (!s || !s.isFile()) return undefined;
    const meta = await this.readMeta(key);
    if (meta && sameFile(meta, s)) return { key, bytes: s.size, sha256: meta.sha256 };
    // Cache absent or stale: hash the file and refresh the cache.
    const hasher = new HashingStream();
    try {
      await pipeline(createReadStream(p), hasher, async function* (src) {
        for await (const _ of src); // drain
      });
    } catch (e) {
      if (isEnoent(e)) return undefined;
      throw e;
    }
    await this.writeMeta(key, p, hasher.digest!);
    return { key, bytes: hasher.bytes, sha256: hasher.digest! };
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const p = checkPrefix(prefix);
    const dir = p === '' ? this.root : this.path(p);
    const keys: string[] = [];
    const walk = async (abs: string, rel: string): Promise<void> => {
      const entries = await readdir(abs, { withFileTypes: true }).catch((e) => {
        if (isEnoent(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
        throw e;
      });
      for (const ent of entries) {
        if (rel === '' && ent.name === INTERNAL) continue;
        const k = rel === '' ? ent.name : `${rel}/${ent.name}`;
        if (ent.isDirectory()) await walk(join(abs, ent.name), k);
        else if (ent.isFile()) keys.push(k);
      }
    };
    await walk(dir, p);
    keys.sort(byUtf8);
    const out: StoredObject[] = [];
    for (const k of keys) {
      const h = await this.head(k);
      if (h) out.push(h);
    }
    return out;
  }

  async copy(from: string, to: string): Promise<StoredObject> {
    const src = this.path(from);
    const dst = this.path(to);
    await this.init();
    const source = await this.head(from);
    if (!source) throw new ObjectNotFoundError(from);
    const existing = await this.head(to);
    if (existing && existing.sha256 === source.sha256 && existing.bytes === source.bytes) return existing;
    const tmp = this.tmpPath();
    try {
      // Objects are never changed in place (always replaced by rename), so a hard link is a safe,
      // instant copy; another file system or a refusal falls back to copying the bytes.
      const linked = await link(src, tmp).then(
        () => true,
        () => false,
      );
      if (!linked) {
        await copyFile(src, tmp);
        await fsyncFile(tmp);
      }
      await mkdir(dirname(dst), { recursive: true });
      await rename(tmp, dst);
      await fsyncDir(dirname(dst));
    } catch (e) {
      await rm(tmp, { force: true });
      if (isEnoent(e)) throw new ObjectNotFoundError(from);
      throw e;
    }
    await this.writeMeta(to, dst, source.sha256);
    return { key: to, bytes: source.bytes, sha256: source.sha256 };
  }

  async delete(key: string): Promise<void> {
    const p = this.path(key);
    await rm(p, { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    const p = checkPrefix(prefix);
    if (p === '') throw new Error('deletePrefix: cần một tiền tố không rỗng');
    await rm(this.path(p), { recursive: true, force: true });
    await rm(join(this.metaDir, ...p.split('/')), { recursive: true, force: true });
  }

  async ping(): Promise<void> {
    await this.init();
    await stat(this.root);
  }

  private async readMeta(key: string): Promise<Meta | undefined> {
    try {
      return JSON.parse(await readFile(this.metaPath(key), 'utf8')) as Meta;
    } catch {
      return undefined;
    }
  }

  private async writeMeta(key: string, file: string, sha256: string): Promise<void> {
    const s = await stat(file);
    const meta: Meta = { sha256, bytes: s.size, ino: s.ino, mtimeMs: s.mtimeMs };
    const mp = this.metaPath(key);
    await mkdir(dirname(mp), { recursive: true });
    const tmp = this.tmpPath();
    await writeFile(tmp, JSON.stringify(meta));
    await rename(tmp, mp);
  }
}

function sameFile(m: Meta, s: Stats): boolean {
  return m.bytes === s.size && m.ino === s.ino && m.mtimeMs === s.mtimeMs;
}

async function fsyncFile(path: string): Promise<void> {
  const h = await open(path, 'r+');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

async function fsyncDir(path: string): Promise<void> {
  // Makes the rename durable; some file systems refuse fsync on a directory, which is harmless.
  const h = await open(path, 'r').catch(() => undefined);
  if (!h) return;
  try {
    await h.sync();
  } catch {
    /* not supported here */
  } finally {
    await h.close();
  }
}
