import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { intakeScans } from '../../activities/scans/intake';
import { createScanActivities } from '../../activities/scans/packageScans';
import { FsStore } from '../../clients/storage/fs';
import { S3Store } from '../../clients/storage/s3';
import type { ArtifactStore } from '../../clients/storage/types';
import { artifactKeys } from '../../domain/naming';
import { book as makeBook } from '../support/fixtures';
import { downloadKey, imageDelivery, minioAndTempDir, run } from './delivery';

const CHILD = fileURLToPath(new URL('./packageChild.ts', import.meta.url));

const env = minioAndTempDir('sohoa-crash-');

type StoreCfg = { kind: 'fs'; root: string } | { kind: 's3'; endpoint: string; bucket: string; accessKey: string; secretKey: string };
let seq = 0;
async function freshStore(kind: 'fs' | 's3'): Promise<{ store: ArtifactStore; cfg: StoreCfg }> {
  if (kind === 'fs') {
    const cfg = { kind, root: join(env.root, `s${++seq}`) } as const;
    return { store: new FsStore(cfg.root), cfg };
  }
  const cfg = { kind, endpoint: env.minio.endpoint, bucket: `crash-${process.pid}-${++seq}`, accessKey: env.minio.accessKey, secretKey: env.minio.secretKey } as const;
  const store = new S3Store({ endpoint: cfg.endpoint, region: 'us-east-1', bucket: cfg.bucket, accessKeyId: cfg.accessKey, secretAccessKey: cfg.secretKey });
  await store.ensureBucket();
  return { store, cfg };
}

/** Starts packageScans in a child process and kills it (SIGKILL) once a third of `phase` is done. */
async function killMidway(cfg: StoreCfg, input: unknown, phase: 'check' | 'write'): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', SOHOA_CHILD: JSON.stringify({ store: cfg, input, slowMs: 15 }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    lines.push(line);
    if (!line.startsWith('progress ')) continue;
    const p = JSON.parse(line.slice(9)) as { phase: string; filesDone: number; files: number };
    if (p.phase === phase && p.filesDone >= p.files / 3) {
      child.kill('SIGKILL');
      break;
    }
  }
  return { lines, signal: await exited };
}

describe.each(['fs', 's3'] as const)('a packaging killed in the middle (%s store)', (kind) => {
  // While checking, the zip is still a temp object; while writing the PDFs, the zip is in place.
  it.each(['check', 'write'] as const)('in its %s phase: the retry ends with the same manifest, zip and PDFs as an uninterrupted run', async (phase) => {
    const book = makeBook({ bookNo: phase === 'check' ? '07' : '08', expectedCases: 30 });
    const keys = artifactKeys(book);
    const files = imageDelivery(book, 30, 2, 30_000);

    // Reference: an uninterrupted run on another store.
    const ref = await freshStore(kind);
    const refUp = await intakeScans(ref.store, { book, uploadId: 'crash', files });
    const expected = await createScanActivities({ store: ref.store }).packageScans({ book, uploadPrefix: refUp.uploadPrefix });

    const { store, cfg } = await freshStore(kind);
    const up = await intakeScans(store, { book, uploadId: 'crash', files });
    const input = { book, uploadPrefix: up.uploadPrefix };
    const killed = await killMidway(cfg, input, phase);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.lines.some((l) => l.startsWith('done '))).toBe(false);
    // Killed mid-way: no manifest, no half-written object, and a zip only once it was complete.
    expect(await store.head(keys.manifest)).toBeUndefined();
    const written = (await store.list(keys.pdfs)).length;
    if (phase === 'check') {
      expect(await store.head(keys.zip)).toBeUndefined();
      expect(written).toBe(0);
    } else {
      expect(await store.head(keys.zip)).toEqual(expected.zip);
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(30);
    }

    const retried = await createScanActivities({ store }).packageScans(input);
    expect(retried).toEqual(expected);
    expect(await store.getBuffer(keys.manifest)).toEqual(await ref.store.getBuffer(keys.manifest));
    expect(await store.list(keys.pdfs)).toEqual(await ref.store.list(keys.pdfs));
    expect((await store.list(keys.prefix)).filter((o) => !o.key.startsWith(keys.uploads)).map((o) => o.key)).toEqual(
      [keys.checksums, keys.manifest, keys.zip, ...(await ref.store.list(keys.pdfs)).map((o) => o.key)].sort(),
    );
    const dir = await mkdtemp(join(env.root, 'zip-'));
    const { stdout } = await run('unzip', ['-t', await downloadKey(store, keys.zip, dir)]);
    expect(stdout).toContain('No errors detected');
  });
});
