/**
 * The two engines a benchmark runs sohoa on, started and stopped by it: the dev server on a SQLite
 * file with one worker and the API as child processes, and the cluster profile (scripts/cluster:
 * PostgreSQL, Temporal server, MinIO, two workers, the API) in a folder and on ports of its own.
 */
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadConfig, workerNodeOptions, type Config } from '../clients/config';
import { startDevServer } from '../clients/temporal/devServer';
import { ensureSchedules } from '../clients/temporal/schedules';
import { UserStore } from '../clients/users';
import type { Units } from '../domain/units';
import { clusterScripts, type ClusterPlace } from '../scripts/lib/cluster';
import { children, freePort, startTs, waitFor } from './lib';

export interface BenchStack {
  /** How the tables name it. */
  label: string;
  url: string;
  client: Client;
  config: Config;
  users: UserStore;
  /** Its processes by name: the workers' names start with `worker`. */
  processes(): Promise<Record<string, number>>;
  /** Its database files or databases, in MB. */
  databaseMB(): Promise<Record<string, number>>;
  /** Stops every process it started and removes its data (kept with BENCH_KEEP=1); safe to call twice. */
  stop(): Promise<void>;
}

export interface DevStack extends BenchStack {
  env: Record<string, string>;
  address: string;
  dir: string;
  worker: ChildProcess;
}

/** The worker process as `make up` starts it (its Node flags included). */
export const startWorker = (env: Record<string, string>) => startTs('workers/main.ts', { ...env, NODE_OPTIONS: workerNodeOptions() }, 'ignore');

const stopped = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));

/** The dev server on `dir`/temporal.db, its worker and the API (all on free ports). */
export async function startDevStack(o: { dir: string; taskQueue: string; planDeadline: string; units: Units }): Promise<DevStack> {
  const dbFile = join(o.dir, 'temporal.db');
  const server = await startDevServer({ dbFile, port: await freePort(), uiPort: await freePort() });
  children.push(server.child);
  const apiPort = await freePort();
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    SOHOA_DATA_DIR: o.dir,
    SOHOA_PLAN_DEADLINE: o.planDeadline,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    SOHOA_LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ ...process.env, ...env });
  const client = new Client({ connection: await Connection.connect({ address: server.address }), namespace: config.TEMPORAL_NAMESPACE });
  await ensureSchedules(client, config);
  const url = `http://127.0.0.1:${apiPort}`;
  const api = startTs('api/main.ts', env, 'ignore');
  let done: Promise<void> | undefined;
  const stack: DevStack = {
    label: 'máy chủ dev (SQLite)',
    url,
    client,
    config,
    users: UserStore.inDataDir(o.dir, o.units),
    env,
    address: server.address,
    dir: o.dir,
    worker: startWorker(env),
    processes: async () => ({ worker: stack.worker.pid!, API: api.pid!, Temporal: server.child.pid! }),
    databaseMB: async () => ({ SQLite: ['', '-wal'].reduce((n, s) => n + (existsSync(dbFile + s) ? statSync(dbFile + s).size : 0), 0) / 1048576 }),
    stop: () =>
      (done ??= (async () => {
        await client.connection.close().catch(() => undefined);
        const mine = [stack.worker, api, server.child];
        for (const c of mine) if (c.exitCode === null) c.kill('SIGTERM');
        await Promise.all(mine.map(stopped));
        // The SQLite file of a province is about a gigabyte: kept only when asked.
        if (!process.env.BENCH_KEEP) await rm(o.dir, { recursive: true, force: true });
      })()),
  };
  await waitFor('API', () => fetch(`${url}/health`).then((r) => r.ok, () => false), 120);
  return stack;
}

/** Stops the cluster in `place` and removes it (kept with BENCH_KEEP=1); nothing to do when there is none. */
export async function removeCluster(place: ClusterPlace, keep = !!process.env.BENCH_KEEP): Promise<void> {
  const cluster = clusterScripts(place);
  // As root, PostgreSQL's data may sit outside the folder (env.sh): removed with it.
  const pgdata = (await cluster.shell('echo "$PGDATA"')).trim();
  await cluster.script('down.sh');
  if (keep) return;
  await rm(place.SOHOA_CLUSTER_DIR, { recursive: true, force: true });
  if (pgdata && dirname(pgdata) !== place.SOHOA_CLUSTER_DIR) await rm(dirname(pgdata), { recursive: true, force: true });
}

/**
 * A fresh cluster in `place` (any left there by an earlier run is stopped and removed first), without
 * the demo; the workers' and the API's plan deadline is `planDeadline`. The binaries must be built
 * (scripts/cluster/install.sh; `make bench-cluster` runs it). On failure it is removed again.
 */
export async function startClusterStack(o: { place: ClusterPlace; planDeadline: string; units: Units }): Promise<BenchStack> {
  const cluster = clusterScripts(o.place);
  await removeCluster(o.place, false);
  let done: Promise<void> | undefined;
  const stop = () => (done ??= removeCluster(o.place));
  try {
    await cluster.script('up.sh', [], { SOHOA_CLUSTER_DEMO: '0', SOHOA_CLUSTER_SKIP_INSTALL: '1', SOHOA_PLAN_DEADLINE_OVERRIDE: o.planDeadline });
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  const config = loadConfig(await cluster.sohoaEnv());
  const client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
  return {
    label: 'cụm (PostgreSQL, 2 worker)',
    url: `http://${config.API_HOST}:${config.API_PORT}`,
    client,
    config,
    users: UserStore.inDataDir(config.SOHOA_DATA_DIR, o.units),
    processes: async () => {
      const names = { 'worker-1': 'worker-1', 'worker-2': 'worker-2', API: 'api', Temporal: 'temporal', PostgreSQL: 'postgres', MinIO: 'minio' };
      return Object.fromEntries(await Promise.all(Object.entries(names).map(async ([label, name]) => [label, (await cluster.pidOf(name)) ?? NaN] as const)));
    },
    databaseMB: async () => {
      const out = await cluster.shell(`psql_su -tAc "SELECT datname || '=' || pg_database_size(datname) FROM pg_database WHERE datname LIKE 'temporal%' ORDER BY 1"`);
      return Object.fromEntries(out.trim().split('\n').map((l) => [`PostgreSQL ${l.split('=')[0]}`, Number(l.split('=')[1]) / 1048576]));
    },
    stop: async () => {
      await client.connection.close().catch(() => undefined);
      await stop();
    },
  };
}
