/**
 * Runs packageScans in its own process, for the crash test: the parent kills it with SIGKILL in the
 * middle and retries. Input in SOHOA_CHILD (JSON). Prints one `progress {…}` line per case and
 * `done {…}` at the end. `slowMs` slows every store read and write, as a slow disk or network would.
 */
import { createScanActivities } from '../../activities/scans/packageScans';
import { FsStore } from '../../clients/storage/fs';
import { S3Store } from '../../clients/storage/s3';
import type { ArtifactStore } from '../../clients/storage/types';

interface ChildInput {
  store: { kind: 'fs'; root: string } | { kind: 's3'; endpoint: string; bucket: string; accessKey: string; secretKey: string };
  input: Parameters<ReturnType<typeof createScanActivities>['packageScans']>[0];
  slowMs: number;
}

const cfg = JSON.parse(process.env.SOHOA_CHILD ?? '{}') as ChildInput;
const base: ArtifactStore =
  cfg.store.kind === 'fs'
    ? new FsStore(cfg.store.root)
    : new S3Store({ endpoint: cfg.store.endpoint, region: 'us-east-1', bucket: cfg.store.bucket, accessKeyId: cfg.store.accessKey, secretAccessKey: cfg.store.secretKey });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// One delay after another, whatever the read-ahead and write overlap: the run lasts long enough to be killed.
let turn: Promise<unknown> = Promise.resolve();
const store = new Proxy(base, {
  get(target, prop, receiver) {
    const v = Reflect.get(target, prop, receiver) as unknown;
    if ((prop === 'put' || prop === 'copy' || prop === 'getBuffer') && typeof v === 'function') {
      return async (...args: unknown[]) => {
        await (turn = turn.then(() => sleep(cfg.slowMs)));
        return (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    }
    return typeof v === 'function' ? v.bind(target) : v;
  },
});
const { packageScans } = createScanActivities({ store, heartbeat: (p) => process.stdout.write(`progress ${JSON.stringify(p)}\n`) });
const result = await packageScans(cfg.input);
process.stdout.write(`done ${JSON.stringify(result)}\n`);
