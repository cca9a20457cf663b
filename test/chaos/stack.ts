import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildApp } from '../../api/app';
import { UserStore } from '../../clients/users';
import { FileOutbox } from '../../clients/outbox';
import { createStore, type ArtifactStore } from '../../clients/storage';
import type { Actor } from '../../domain/actors';
import { loadConfig, type Config } from '../../clients/config';
import { DevServerProcess } from '../support/devServerProcess';
import { startFakeNational, type FakeNational } from '../support/fakeNational';
import { users, units } from '../support/fixtures';
import { startMinio, type MinioServer } from '../support/minio';
import { WorkerProcess } from '../support/workerProcess';

/** The people who drive the books: the province's manager, Tam Kỳ's clerk and its scanning contractor. */
export const PEOPLE = { manager: users.manager, clerk: users.districtClerk, contractor: users.contractor } satisfies Record<string, Actor>;
export type Person = keyof typeof PEOPLE;

export interface Stack {
  dir: string;
  /** The worker's data folder: its notice outbox is `${dataDir}/outbox`. */
  dataDir: string;
  temporal: DevServerProcess;
  minio: MinioServer;
  national: FakeNational;
  worker: WorkerProcess;
  app: FastifyInstance;
  apiUrl: string;
  tokens: Record<Person, string>;
  client: Client;
  store: ArtifactStore;
  outbox: FileOutbox;
  config: Config;
  stop(): Promise<void>;
}

/**
 * Everything a province runs, each on 127.0.0.1 and a free port: the Temporal dev server on a SQLite
 * file, MinIO, the national endpoint (fake), the worker as its own process (S3 storage, http gateway)
 * and the API in this process. Each book is given a plan deadline of its own 20 days away as it starts
 * (test/chaos/driver.ts), so its 30-day reminder falls due at once: a notice to write while the outbox is failing.
 */
export async function startStack(): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-chaos-'));
  const dataDir = join(dir, 'data');
  const started: Array<() => Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;
  // Last started, first stopped (the API, the worker, then the servers); once, whoever asks.
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of [...started].reverse()) await s().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    })());
  try {
    const [temporal, minio, national] = await Promise.all([DevServerProcess.start(dir), startMinio(), startFakeNational()]);
    started.push(() => temporal.stop(), () => minio.stop(), () => national.stop());
    const env = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'sohoa-chaos',
      SOHOA_DATA_DIR: dataDir,
      SOHOA_STORAGE: 's3',
      S3_ENDPOINT: minio.endpoint,
      S3_BUCKET: 'sohoa-chaos',
      S3_ACCESS_KEY: minio.accessKey,
      S3_SECRET_KEY: minio.secretKey,
      SOHOA_GATEWAY: 'http',
      SOHOA_GATEWAY_URL: national.url,
      SOHOA_LOG_LEVEL: 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const config = loadConfig(env);
    const store = await createStore(config);
    const worker = new WorkerProcess(env);
    started.push(() => worker.stop());
    await worker.start();

    const connection = await Connection.connect({ address: temporal.address });
    started.push(() => connection.close());
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const userStore = UserStore.inDataDir(dataDir, units);
    const tokens = {} as Record<Person, string>;
    for (const [name, a] of Object.entries(PEOPLE) as Array<[Person, Actor]>) {
      tokens[name] = (await userStore.add({ userId: a.userId, role: a.role, scope: a.scope, agencyCode: a.agencyCode })).token;
    }
    const outbox = new FileOutbox(join(dataDir, 'outbox'));
    const app = await buildApp({
      config,
      temporal: { client },
      store,
      outbox,
      users: userStore,
      logStream: pino.destination({ dest: join(dir, 'api.log'), mkdir: true, sync: false }),
    });
    started.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return { dir, dataDir, temporal, minio, national, worker, app, apiUrl, tokens, client, store, outbox, config, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
