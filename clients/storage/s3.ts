import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
  UploadPartCopyCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectNotFoundError } from './errors';
import { checkKey, checkPrefix, HashingStream, readAll, sha256Hex, toReadable } from './keys';
import type { ArtifactStore, StoredObject } from './types';

/** Streams are first uploaded under this prefix, then copied server-side to their key. */
const TMP_PREFIX = '.sohoa-tmp/';
/** Object metadata holding the sha256 of the content (x-amz-meta-sha256). */
const SHA_META = 'sha256';
const PART_SIZE = 8 * 1024 * 1024;
/** Largest object one CopyObject may copy; above it the copy goes part by part. */
const MAX_SINGLE_COPY = 5 * 1024 * 1024 * 1024;
const COPY_PART = 512 * 1024 * 1024;

export interface S3StoreOptions {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Parts uploaded in parallel; memory used by an upload is about queueSize × 8 MB. */
  queueSize?: number;
}

const isMissing = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NotFound' || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
};

/**
 * Artifact store on S3 (MinIO in tests and on premises). A PUT or CompleteMultipartUpload makes an
 * object visible whole or not at all. A stream's checksum is only known at its end, while S3 fixes
 * metadata at the start, so a stream goes to a temp key first and is copied server-side to its key
 * with its sha256 as metadata; a buffer is hashed first and written directly. Either way, content
 * equal to what the key already holds (same sha256 metadata) leaves the object untouched.
 */
export class S3Store implements ArtifactStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  readonly bucket: string;
  private readonly queueSize: number;

  constructor(opts: S3StoreOptions) {
    this.bucket = opts.bucket;
    this.queueSize = opts.queueSize ?? 2;
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      forcePathStyle: true, // MinIO and most on-premises S3 serve path-style URLs
      credentials: opts.accessKeyId && opts.secretAccessKey ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } : undefined,
      maxAttempts: 3,
    });
  }

  /** Creates the bucket when missing and asks it to expire abandoned temp objects and uploads. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      if (!isMissing(e)) throw e;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (ce) {
        const name = (ce as { name?: string }).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw ce;
      }
    }
    try {
      await this.client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: this.bucket,
          LifecycleConfiguration: {
            Rules: [
              { ID: 'sohoa-tmp', Status: 'Enabled', Filter: { Prefix: TMP_PREFIX }, Expiration: { Days: 1 } },
              { ID: 'sohoa-mpu', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
            ],
          },
        }),
      );
    } catch {
      /* lifecycle is housekeeping only; some S3 implementations do not offer it */
    }
  }

  private key(key: string): string {
    checkKey(key);
    if (key.startsWith(TMP_PREFIX)) throw new Error(`khóa lưu trữ không hợp lệ "${key}": tên dành riêng`);
    return key;
  }

  async put(key: string, body: Readable | Buffer | string, opts?: { contentType?: string }): Promise<StoredObject> {
    this.key(key);
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const sha256 = sha256Hex(buf);
      const existing = await this.head(key);
      if (existing && existing.sha256 === sha256 && existing.bytes === buf.length) return existing;
      await this.upload(key, Readable.from([buf]), sha256, opts?.contentType);
      return { key, bytes: buf.length, sha256 };
    }
    const tmp = `${TMP_PREFIX}${randomUUID()}`;
    const hasher = new HashingStream();
    try {
      await Promise.all([pipeline(toReadable(body), hasher), this.upload(tmp, hasher, undefined, opts?.contentType)]);
      const sha256 = hasher.digest!;
      const existing = await this.head(key);
      if (!(existing && existing.sha256 === sha256 && existing.bytes === hasher.bytes)) {
        await this.copyObject(tmp, key, hasher.bytes, { [SHA_META]: sha256 }, opts?.contentType);
      }
      return { key, bytes: hasher.bytes, sha256 };
    } catch (e) {
      hasher.destroy();
      throw e;
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tmp })).catch(() => undefined);
    }
  }

  /** Single PUT below one part, multipart above; memory bounded by queueSize × PART_SIZE. */
  private async upload(key: string, body: Readable, sha256: string | undefined, contentType: string | undefined): Promise<void> {
    const upload = new Upload({
      client: this.client,
      queueSize: this.queueSize,
      partSize: PART_SIZE,
      leavePartsOnError: false,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType ?? 'application/octet-stream',
        Metadata: sha256 ? { [SHA_META]: sha256 } : undefined,
      },
    });
    await upload.done();
  }

  /** Server-side copy: CopyObject up to 5 GB, UploadPartCopy above. */
  private async copyObject(from: string, to: string, bytes: number, metadata: Record<string, string> | undefined, contentType?: string): Promise<void> {
    if (bytes <= MAX_SINGLE_COPY) {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: to,
          CopySource: copySource(this.bucket, from),
          MetadataDirective: metadata ? 'REPLACE' : 'COPY',
          Metadata: metadata,
          ContentType: metadata ? (contentType ?? 'application/octet-stream') : undefined,
        }),
      );
      return;
    }
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to, Metadata: metadata, ContentType: contentType ?? 'application/octet-stream' }),
    );
    const uploadId = created.UploadId!;
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let start = 0, n = 1; start < bytes; start += COPY_PART, n++) {
        const end = Math.min(start + COPY_PART, bytes) - 1;
        const r = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: to,
            UploadId: uploadId,
            PartNumber: n,
            CopySource: copySource(this.bucket, from),
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ ETag: r.CopyPartResult!.ETag!, PartNumber: n });
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (e) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId: uploadId })).catch(() => undefined);
      throw e;
    }
  }

  async get(key: string): Promise<Readable> {
    this.key(key);
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return r.Body as Readable;
    } catch (e) {
      if (isMissing(e)) throw new ObjectNotFoundError(key);
      throw e;
    }
  }

  async getBuffer(key: string): Promise<Buffer> {
    return readAll(await this.get(key));
  }

  async head(key: string): Promise<StoredObject | undefined> {
    return (await this.headWithType(key))?.object;
  }

  private async headWithType(key: string): Promise<{ object: StoredObject; contentType?: string } | undefined> {
    this.key(key);
    let r;
    try {
      r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    const bytes = r.ContentLength ?? 0;
    const sha256 = r.Metadata?.[SHA_META];
    if (sha256 && /^[0-9a-f]{64}$/.test(sha256)) return { object: { key, bytes, sha256 }, contentType: r.ContentType };
    // Written by another tool without our metadata: hash it once by reading it.
    const hasher = new HashingStream();
    await pipeline(await this.get(key), hasher, async function* (src) {
      for await (const _ of src); // drain
    });
    return { object: { key, bytes: hasher.bytes, sha256: hasher.digest! }, contentType: r.ContentType };
  }

  private async listKeys(prefix: string): Promise<string[]> {
    const p = checkPrefix(prefix);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: p === '' ? undefined : `${p}/`, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) if (o.Key && !o.Key.startsWith(TMP_PREFIX)) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return keys; // S3 lists in UTF-8 binary order already
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const keys = await this.listKeys(prefix);
    // The checksum lives in each object's metadata: a few HEADs in flight at a time.
    const out: (StoredObject | undefined)[] = new Array(keys.length);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const i = next++;
        out[i] = await this.head(keys[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
    return out.filter((o): o is StoredObject => o !== undefined);
  }

  async copy(from: string, to: string): Promise<StoredObject> {
    this.key(from);
    this.key(to);
    const src = await this.headWithType(from);
    if (!src) throw new ObjectNotFoundError(from);
    const source = src.object;
    const existing = await this.head(to);
    if (existing && existing.sha256 === source.sha256 && existing.bytes === source.bytes) return existing;
    try {
      await this.copyObject(from, to, source.bytes, { [SHA_META]: source.sha256 }, src.contentType);
    } catch (e) {
      if (isMissing(e)) throw new ObjectNotFoundError(from);
      throw e;
    }
    return { key: to, bytes: source.bytes, sha256: source.sha256 };
  }

  async delete(key: string): Promise<void> {
    this.key(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (checkPrefix(prefix) === '') throw new Error('deletePrefix: cần một tiền tố không rỗng');
    const keys = await this.listKeys(prefix);
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const r = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      if (r.Errors?.length) throw new Error(`không xóa được ${r.Errors.length} tệp dưới "${prefix}": ${r.Errors[0]?.Message ?? ''}`);
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  destroy(): void {
    this.client.destroy();
  }
}

const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
