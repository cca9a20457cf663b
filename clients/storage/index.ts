import { join } from 'node:path';
import type { Config } from '../config';
import { FsStore } from './fs';
import { isUnreachable } from './errors';
import { S3Store } from './s3';
import type { ArtifactStore } from './types';

export type { ArtifactStore, StoredObject } from './types';
export { FsStore } from './fs';
export { S3Store } from './s3';
export { ObjectNotFoundError, isNotFound, isUnreachable } from './errors';

const BUCKET_RETRY_MS = 5000;

/**
 * The store the configuration asks for: a local folder (`SOHOA_STORAGE_ROOT`, else
 * `${SOHOA_DATA_DIR}/artifacts`) or an S3 bucket, created when missing. An S3 store that cannot be
 * reached yet does not stop the caller from starting (a worker must run while MinIO restarts: its
 * activities fail and are retried by Temporal); the bucket is checked again until it answers.
 * Wrong credentials or a refused bucket still fail the start.
 */
export async function createStore(config: Config, onUnreachable: (e: unknown) => void = () => {}): Promise<ArtifactStore> {
  if (config.SOHOA_STORAGE === 's3') {
    if (!config.S3_ENDPOINT) throw new Error('S3_ENDPOINT: bắt buộc khi SOHOA_STORAGE=s3');
    const store = new S3Store({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      bucket: config.S3_BUCKET,
      accessKeyId: config.S3_ACCESS_KEY,
      secretAccessKey: config.S3_SECRET_KEY,
    });
    const ensure = (): Promise<void> =>
      store.ensureBucket().catch((e) => {
        if (!isUnreachable(e)) {
          const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          throw new Error(
            `kho S3 ${config.S3_ENDPOINT} từ chối bucket "${config.S3_BUCKET}"${status ? ` (HTTP ${status})` : ''}: ${(e as Error).name}; kiểm tra S3_ACCESS_KEY, S3_SECRET_KEY và quyền trên bucket`,
            { cause: e },
          );
        }
        onUnreachable(e);
        setTimeout(() => void ensure().catch(onUnreachable), BUCKET_RETRY_MS).unref();
      });
    await ensure();
    return store;
  }
  const store = new FsStore(config.SOHOA_STORAGE_ROOT ?? join(config.SOHOA_DATA_DIR, 'artifacts'));
  await store.ping();
  return store;
}
