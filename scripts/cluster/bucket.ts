/**
 * Copies the artifact bucket to a folder and back, object by object through the S3 API (so it works
 * against any S3, not only this MinIO): each object's bytes, and its metadata (the sha256 the store
 * compares before writing again) in a JSON index. Temp objects of unfinished uploads are left out.
 * Usage: bucket.ts dump DIR | load DIR   (S3_* variables as for the workers)
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../clients/config';
import { S3Store } from '../../clients/storage';
import { mapLimit } from '../../api/services/pool';

interface Entry {
  key: string;
  size: number;
  contentType?: string;
  metadata?: Record<string, string>;
}

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'dump' && mode !== 'load') || !dir) throw new Error('usage: bucket.ts dump|load DIR');
const config = loadConfig(process.env);
const store = new S3Store({ endpoint: config.S3_ENDPOINT, region: config.S3_REGION, bucket: config.S3_BUCKET, accessKeyId: config.S3_ACCESS_KEY, secretAccessKey: config.S3_SECRET_KEY });
const s3: S3Client = store.client;
const Bucket = config.S3_BUCKET;
const objectsDir = join(dir, 'objects');
const indexFile = join(dir, 'index.json');

if (mode === 'dump') {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key && !o.Key.startsWith('.sohoa-tmp/')) keys.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  const entries = await mapLimit(keys, 8, async (key): Promise<Entry> => {
    const o = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
    const file = join(objectsDir, key);
    await mkdir(dirname(file), { recursive: true });
    await pipeline(o.Body as Readable, createWriteStream(file));
    return { key, size: (await stat(file)).size, contentType: o.ContentType, metadata: o.Metadata };
  });
  await writeFile(indexFile, JSON.stringify({ bucket: Bucket, at: new Date().toISOString(), objects: entries }, null, 1));
  console.log(`bucket ${Bucket}: ${entries.length} objects, ${entries.reduce((n, e) => n + e.size, 0)} bytes → ${dir}`);
} else {
  await store.ensureBucket();
  const { objects } = JSON.parse(await readFile(indexFile, 'utf8')) as { objects: Entry[] };
  await mapLimit(objects, 8, async (e) => {
    await s3.send(
      new PutObjectCommand({ Bucket, Key: e.key, Body: createReadStream(join(objectsDir, e.key)), ContentLength: e.size, ContentType: e.contentType, Metadata: e.metadata }),
    );
  });
  console.log(`bucket ${Bucket}: ${objects.length} objects restored from ${dir}`);
}
