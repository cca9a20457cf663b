import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import * as archiverModule from 'archiver';
import { afterAll, beforeAll } from 'vitest';
import type { Archiver, ArchiverOptions } from 'archiver';
import { S3Store } from '../../clients/storage/s3';
import { FsStore } from '../../clients/storage/fs';
import type { ArtifactStore } from '../../clients/storage/types';
import { readAll } from '../../clients/storage/keys';
import type { IntakeFile } from '../../activities/scans/intake';
import { buildCasePdf } from '../../activities/scans/pdf';
import { inspectJpeg, inspectPng } from '../../activities/scans/images';
import type { Book } from '../../domain/book';
import { pdfName } from '../../domain/naming';
import { makeJpeg, makePng } from '../support/images';
import { startMinio, type MinioServer } from '../support/minio';

export const run = promisify(execFile);

/** A MinIO server and a temp folder shared by a test file's tests; both go when the file's tests end. */
export function minioAndTempDir(prefix: string): { minio: MinioServer; root: string } {
  const env = {} as { minio: MinioServer; root: string };
  beforeAll(async () => {
    [env.minio, env.root] = await Promise.all([startMinio(), mkdtemp(join(tmpdir(), prefix))]);
  });
  afterAll(async () => {
    await env.minio?.stop();
    if (env.root) await rm(env.root, { recursive: true, force: true });
  });
  return env;
}

const archiver = ((archiverModule as unknown as { default?: unknown }).default ?? archiverModule) as (f: 'zip', o: ArchiverOptions) => Archiver;

/** The PDF name of case `n` of a book, registered on a date that moves with n. */
export function caseName(book: Book, n: number, over: Partial<Parameters<typeof pdfName>[0]> = {}): string {
  const day = String(((n - 1) % 28) + 1).padStart(2, '0');
  const month = String((Math.floor((n - 1) / 28) % 12) + 1).padStart(2, '0');
  return pdfName({ type: book.type, yearFrom: book.yearFrom, yearTo: book.yearTo, bookNo: book.bookNo, registrationDate: `${book.yearFrom}-${month}-${day}`, caseNo: n, ...over });
}

export const stem = (name: string) => name.replace(/\.pdf$/, '');

/** Page images of case n: JPEGs, and a PNG (RGB, palette, RGBA or gray in turn) as the last page of every third case. */
export function casePages(n: number, pages: number, jpegBytes = 4000): { name: string; data: Buffer }[] {
  const out = [];
  for (let p = 1; p <= pages; p++) {
    const png = n % 3 === 0 && p === pages;
    const data = png ? makePng({ width: 40, height: 56, seed: n * 10 + p, colorType: ([2, 3, 6, 0] as const)[(n / 3) % 4] }) : makeJpeg({ width: 64, height: 88, seed: n * 10 + p, padTo: jpegBytes });
    out.push({ name: `${String(p).padStart(3, '0')}.${png ? 'png' : 'jpg'}`, data });
  }
  return out;
}

export async function casePdf(n: number, pages: number, title = `case-${n}`): Promise<Buffer> {
  const imgs = casePages(n, pages).map(({ data }) => {
    const r = data[0] === 0xff ? inspectJpeg(data) : inspectPng(data);
    if (!r.ok) throw new Error(r.problem);
    return { data, info: r.info };
  });
  return Buffer.from(await buildCasePdf(title, imgs));
}

/** A delivery of `cases` cases as page-image folders. */
export function imageDelivery(book: Book, cases: number, pages = 2, jpegBytes?: number): IntakeFile[] {
  const files: IntakeFile[] = [];
  for (let n = 1; n <= cases; n++) {
    for (const p of casePages(n, pages, jpegBytes)) files.push({ name: `${stem(caseName(book, n))}/${p.name}`, body: p.data });
  }
  return files;
}

/** A delivery of `cases` cases as per-case PDFs. */
export async function pdfDelivery(book: Book, cases: number, pages = 2): Promise<IntakeFile[]> {
  const files: IntakeFile[] = [];
  for (let n = 1; n <= cases; n++) files.push({ name: caseName(book, n), body: await casePdf(n, pages) });
  return files;
}

/** A zip of files (deflated, as a contractor's tool would make it), optionally inside a top folder. */
export async function zipOf(files: IntakeFile[], top = ''): Promise<Buffer> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  const out = new PassThrough();
  archive.pipe(out);
  const done = readAll(out);
  for (const f of files) archive.append(f.body as Buffer, { name: `${top}${f.name}` });
  await archive.finalize();
  return done;
}

/** Copies every object under a prefix into a local folder (names relative to the prefix). */
export async function download(store: ArtifactStore, prefix: string, dir?: string): Promise<string> {
  const target = dir ?? (await mkdtemp(join(tmpdir(), 'sohoa-dl-')));
  for (const o of await store.list(prefix)) {
    const rel = o.key.slice(prefix.length + 1);
    const path = join(target, rel);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, await store.getBuffer(o.key));
  }
  return target;
}

export async function downloadKey(store: ArtifactStore, key: string, dir: string): Promise<string> {
  const path = join(dir, key.split('/').pop()!);
  await writeFile(path, await store.getBuffer(key));
  return path;
}

let bucketSeq = 0;
/** Fresh stores of both kinds, for describe.each. */
export function storeMakers(getRoot: () => string, getMinio: () => MinioServer): [string, () => Promise<ArtifactStore>][] {
  return [
    ['fs', async () => new FsStore(join(getRoot(), `fs-${++bucketSeq}`))],
    [
      's3',
      async () => {
        const m = getMinio();
        const s = new S3Store({ endpoint: m.endpoint, region: 'us-east-1', bucket: `scans-${process.pid}-${++bucketSeq}`, accessKeyId: m.accessKey, secretAccessKey: m.secretKey });
        await s.ensureBucket();
        return s;
      },
    ],
  ];
}
