import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../clients/storage';
import { isNotFound } from '../../clients/storage/errors';
import { FsStore } from '../../clients/storage/fs';
import { S3Store } from '../../clients/storage/s3';
import type { ArtifactStore } from '../../clients/storage/types';
import { loadConfig } from '../../clients/config';
import { startMinio, type MinioServer } from '../support/minio';
import { freePort } from '../support/ports';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let minio: MinioServer;
let fsRoot: string;
beforeAll(async () => {
  minio = await startMinio();
  fsRoot = await mkdtemp(join(tmpdir(), 'sohoa-store-'));
});
afterAll(async () => {
  await minio?.stop();
  if (fsRoot) await rm(fsRoot, { recursive: true, force: true });
});

let seq = 0;
const adapters: [string, () => Promise<ArtifactStore>][] = [
  ['fs', async () => new FsStore(join(fsRoot, `s${++seq}`))],
  [
    's3',
    async () => {
      const s = new S3Store({ endpoint: minio.endpoint, region: 'us-east-1', bucket: `b${++seq}-${process.pid}`, accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey });
      await s.ensureBucket();
      return s;
    },
  ],
];

describe.each(adapters)('ArtifactStore (%s)', (_kind, make) => {
  let store: ArtifactStore;
  beforeAll(async () => {
    store = await make();
  });

  it('stores a buffer, a string and a stream with their size and sha256, and reads them back', async () => {
    const buf = randomBytes(1000);
    expect(await store.put('a/buf.bin', buf)).toEqual({ key: 'a/buf.bin', bytes: 1000, sha256: sha(buf) });
    expect(await store.put('a/text.txt', 'xin chào')).toEqual({ key: 'a/text.txt', bytes: Buffer.byteLength('xin chào'), sha256: sha('xin chào') });
    const parts = [randomBytes(70_000), randomBytes(5)];
    const r = await store.put('a/stream.bin', Readable.from(parts));
    expect(r).toEqual({ key: 'a/stream.bin', bytes: 70_005, sha256: sha(Buffer.concat(parts)) });
    expect(await store.getBuffer('a/buf.bin')).toEqual(buf);
    expect((await store.getBuffer('a/text.txt')).toString()).toBe('xin chào');
    expect(await store.head('a/stream.bin')).toEqual(r);
  });

  it('streams an object larger than one multipart part (multipart on S3), bounded by streaming', async () => {
    // 20 MB from a generator: never held as one buffer by the caller.
    const hash = createHash('sha256');
    const chunk = randomBytes(1024 * 1024);
    async function* gen() {
      for (let i = 0; i < 20; i++) {
        hash.update(chunk);
        yield chunk;
      }
    }
    const r = await store.put('big/file.bin', Readable.from(gen()));
    expect(r.bytes).toBe(20 * 1024 * 1024);
    expect(r.sha256).toBe(hash.digest('hex'));
    const back = createHash('sha256');
    for await (const c of await store.get('big/file.bin')) back.update(c as Buffer);
    expect(back.digest('hex')).toBe(r.sha256);
  });

  it('a rewrite of the same content is a no-op; new content replaces the object whole', async () => {
    await store.put('b/x.txt', 'one');
    const before = await store.head('b/x.txt');
    expect(await store.put('b/x.txt', Readable.from([Buffer.from('one')]))).toEqual(before);
    expect(await store.put('b/x.txt', 'two')).toEqual({ key: 'b/x.txt', bytes: 3, sha256: sha('two') });
    expect((await store.getBuffer('b/x.txt')).toString()).toBe('two');
  });

  it('a failing stream leaves the previous object intact and no visible temp object', async () => {
    await store.put('c/keep.txt', 'original');
    async function* broken() {
      yield Buffer.alloc(10_000, 1);
      throw new Error('connection lost');
    }
    await expect(store.put('c/keep.txt', Readable.from(broken()))).rejects.toThrow('connection lost');
    expect((await store.getBuffer('c/keep.txt')).toString()).toBe('original');
    expect((await store.list('')).map((o) => o.key).filter((k) => k.startsWith('c/') || k.startsWith('.'))).toEqual(['c/keep.txt']);
  });

  it('lists under a prefix, sorted, and not keys that merely share its first letters', async () => {
    await store.put('d/2.txt', '2');
    await store.put('d/1.txt', '1');
    await store.put('d/sub/3.txt', '3');
    await store.put('dd/4.txt', '4');
    expect((await store.list('d')).map((o) => o.key)).toEqual(['d/1.txt', 'd/2.txt', 'd/sub/3.txt']);
    expect((await store.list('d/')).map((o) => o.sha256)).toEqual([sha('1'), sha('2'), sha('3')]);
    expect(await store.list('nothing/here')).toEqual([]);
  });

  it('copies server-side with the checksum, deletes a key and a prefix', async () => {
    const src = await store.put('e/src.bin', randomBytes(2048));
    expect(await store.copy('e/src.bin', 'e/copy/dst.bin')).toEqual({ ...src, key: 'e/copy/dst.bin' });
    expect(await store.head('e/copy/dst.bin')).toEqual({ ...src, key: 'e/copy/dst.bin' });
    await store.delete('e/src.bin');
    expect(await store.head('e/src.bin')).toBeUndefined();
    await store.delete('e/src.bin'); // deleting twice is fine
    await store.put('e/copy/more.txt', 'm');
    await store.deletePrefix('e');
    expect(await store.list('e')).toEqual([]);
  });

  it('reports a missing key as not found and refuses keys that could escape the store', async () => {
    await expect(store.get('no/such.key')).rejects.toSatisfy(isNotFound);
    await expect(store.getBuffer('no/such.key')).rejects.toSatisfy(isNotFound);
    await expect(store.copy('no/such.key', 'x/y')).rejects.toSatisfy(isNotFound);
    expect(await store.head('no/such.key')).toBeUndefined();
    for (const bad of ['../etc/passwd', '/abs/key', 'a/../../b', 'a//b', 'a\\b', '', 'a/./b']) {
      await expect(store.put(bad, 'x'), bad).rejects.toThrow(/khóa lưu trữ không hợp lệ/);
    }
    await expect(store.deletePrefix('')).rejects.toThrow();
    await store.ping();
  });
});

describe('FsStore on disk', () => {
  it('keeps objects as plain files at root/<key> and leaves no temp file behind', async () => {
    const root = join(fsRoot, 'plain');
    const store = new FsStore(root);
    await store.put('books/20335/KS.2017.01/pdf/a.pdf', 'pdf');
    expect(await readdir(join(root, 'books/20335/KS.2017.01/pdf'))).toEqual(['a.pdf']);
    expect(await readdir(join(root, '.sohoa/tmp'))).toEqual([]);
  });

  it('recomputes the checksum when the file was changed behind its back', async () => {
    const root = join(fsRoot, 'changed');
    const store = new FsStore(root);
    await store.put('k.txt', 'before');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(root, 'k.txt'), 'after!!');
    expect(await store.head('k.txt')).toEqual({ key: 'k.txt', bytes: 7, sha256: sha('after!!') });
  });
});

describe('createStore', () => {
  it('chooses the local folder by default, under SOHOA_DATA_DIR/artifacts', async () => {
    const dir = join(fsRoot, 'data');
    const store = await createStore(loadConfig({ SOHOA_DATA_DIR: dir }));
    expect(store.kind).toBe('fs');
    expect((store as FsStore).root).toBe(join(dir, 'artifacts'));
    const rooted = await createStore(loadConfig({ SOHOA_STORAGE_ROOT: join(fsRoot, 'elsewhere') }));
    expect((rooted as FsStore).root).toBe(join(fsRoot, 'elsewhere'));
  });

  it('chooses S3 and creates the bucket when missing', async () => {
    const bucket = `created-${process.pid}`;
    const store = await createStore(
      loadConfig({ SOHOA_STORAGE: 's3', S3_ENDPOINT: minio.endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY: minio.accessKey, S3_SECRET_KEY: minio.secretKey }),
    );
    expect(store.kind).toBe('s3');
    await store.ping();
    expect(await store.put('x.txt', 'x')).toMatchObject({ bytes: 1 });
    // A second start with the bucket present is fine.
    await createStore(loadConfig({ SOHOA_STORAGE: 's3', S3_ENDPOINT: minio.endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY: minio.accessKey, S3_SECRET_KEY: minio.secretKey }));
  });

  it('starts while the S3 endpoint is down (its activities fail and are retried); wrong credentials still fail the start', async () => {
    const port = await freePort();
    const s3 = (endpoint: string, bucket: string, secret = minio.secretKey) =>
      loadConfig({ SOHOA_STORAGE: 's3', S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY: minio.accessKey, S3_SECRET_KEY: secret });
    const seen: unknown[] = [];
    const down = await createStore(s3(`http://127.0.0.1:${port}`, 'never'), (e) => seen.push(e));
    expect(down.kind).toBe('s3');
    expect(seen).toHaveLength(1);
    await expect(down.put('x.txt', 'x')).rejects.toThrow();
    await expect(createStore(s3(minio.endpoint, `refused-${process.pid}`, 'not-the-secret'))).rejects.toThrow(/HTTP 403.*S3_ACCESS_KEY/);
  });
});
