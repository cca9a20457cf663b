import { Client, Connection } from '@temporalio/client';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../clients/config';
import { ROOT } from '../../clients/paths';
import { createStore, type ArtifactStore } from '../../clients/storage';
import { UserStore } from '../../clients/users';
import type { Actor } from '../../domain/actors';
import { clusterScripts } from '../../scripts/lib/cluster';
import { ApiClient } from '../chaos/api';
import { PEOPLE, type Person } from '../chaos/stack';
import { units } from '../support/fixtures';

/** The test cluster: its own folder and ports, beside any `make up-cluster` (vitest.cluster.config.ts). */
export const TEST_CLUSTER = { SOHOA_CLUSTER_DIR: join(ROOT, 'data/cluster-test'), SOHOA_CLUSTER_PORT_BASE: '27000' };
const cluster = clusterScripts(TEST_CLUSTER);

/** Runs one of scripts/cluster/*.sh against the test cluster; its output is returned (and thrown with on failure). */
export const script = (name: string, ...args: string[]) => cluster.script(name, args);
export const services = (cmd: 'start' | 'stop' | 'restart', ...names: string[]) => script('services.sh', cmd, ...names);

/** The pid a cluster process runs as (from its pid file), or undefined when stopped. */
export const pidOf = cluster.pidOf;

export interface ClusterClients {
  config: Config;
  env: Record<string, string>;
  apiUrl: string;
  api: ApiClient;
  client: Client;
  connection: Connection;
  store: ArtifactStore;
  close(): Promise<void>;
}

/** What the workers and the API of the test cluster are given, as the scripts give it (env.sh's sohoa_env). */
export const clusterEnv = cluster.sohoaEnv;

let tokens: Record<Person, string> | undefined;
async function makeTokens(users: UserStore): Promise<Record<Person, string>> {
  const out = {} as Record<Person, string>;
  const known = new Set((await users.list()).map((u) => u.userId));
  for (const [name, a] of Object.entries(PEOPLE) as Array<[Person, Actor]>) {
    const user = { userId: `${a.userId}.cluster`, role: a.role, scope: a.scope, agencyCode: a.agencyCode };
    out[name] = (known.has(user.userId) ? await users.rotate(user.userId) : await users.add(user)).token;
  }
  return out;
}

/** A Temporal client, the bucket, and the API as the province's people use it (their tokens made here). */
export async function openCluster(): Promise<ClusterClients> {
  const e = await clusterEnv();
  const config = loadConfig(e);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  // Made once; a restored cluster has them too (its users file is in the backup).
  tokens ??= await makeTokens(UserStore.inDataDir(config.SOHOA_DATA_DIR, units));
  const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  return {
    config,
    env: e,
    apiUrl,
    api: new ApiClient(apiUrl, tokens),
    client,
    connection,
    store: await createStore(config),
    close: () => connection.close(),
  };
}
