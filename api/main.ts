import { Client, Connection } from '@temporalio/client';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileOutbox } from '../clients/outbox';
import { createStore } from '../clients/storage';
import { loadConfig } from '../clients/config';
import { ROOT } from '../clients/paths';
import { buildApp } from './app';
import { loadUnits } from '../clients/units';
import { ensureSchedules } from '../clients/temporal/schedules';
import { UserStore } from '../clients/users';

/** The API process: config, Temporal client, store; listens on API_HOST:API_PORT; stops gracefully. */
let config;
let units;
try {
  config = loadConfig(process.env);
  // The province's units and settings: a bad SOHOA_PROVINCE or settings file stops the start here.
  units = loadUnits(config);
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const dataDir = resolve(config.SOHOA_DATA_DIR);

async function connect(address: string, waitMs = 30_000): Promise<Connection> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return await Connection.connect({ address, connectTimeout: '5s' });
    } catch (e) {
      if (Date.now() > until) throw new Error(`không kết nối được Temporal tại ${address}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

const connection = await connect(config.TEMPORAL_ADDRESS);
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
// The schedules exist whichever process starts first (make up creates them too); a failure here leaves the API up.
const schedules = await ensureSchedules(client, config).catch((e: unknown) => {
  console.warn(`api: không tạo được lịch chạy (schedules): ${(e as Error).message}`);
  return [];
});
const store = await createStore(config, (e) => console.warn(`api: artifact store unreachable, trying again: ${(e as Error).message}`));
const webRoot = join(ROOT, 'web', 'dist');
const app = await buildApp({
  config,
  temporal: { client },
  store,
  outbox: new FileOutbox(join(dataDir, 'outbox')),
  users: UserStore.inDataDir(dataDir, units),
  units,
  ...(existsSync(webRoot) ? { webRoot } : {}),
});

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'đang dừng API');
  const force = setTimeout(() => process.exit(1), 15_000).unref();
  // Requests in flight are finished; their keep-alive connections, busy when the close began, are
  // closed as soon as they go idle (else the close would wait for the keep-alive timeout).
  setInterval(() => app.server.closeIdleConnections(), 250).unref();
  try {
    await app.close();
    await connection.close();
  } finally {
    clearTimeout(force);
    process.exit(0);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const address = await app.listen({ host: config.API_HOST, port: config.API_PORT });
app.log.info({ schedules }, 'lịch chạy (schedules)');
app.log.info({ address, temporal: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE }, 'API sẵn sàng');
console.log(`sohoa API: ${address} (tài liệu: ${address}/docs)`);
