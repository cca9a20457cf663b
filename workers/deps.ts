import { Client, Connection } from '@temporalio/client';
import { join, resolve } from 'node:path';
import type { ActivityDeps } from '../activities';
import { createGateway } from '../activities/gateway';
import { FileOutbox } from '../clients/outbox';
import { createStore } from '../clients/storage';
import { limitsOf, qualitySettingsOf, type Config } from '../clients/config';
import { loadUnits } from '../clients/units';

/** The real dependencies of activities, from the config. */
export async function depsFromConfig(config: Config, warn: (m: string) => void = console.warn): Promise<ActivityDeps> {
  const data = resolve(config.SOHOA_DATA_DIR);
  const store = await createStore(config, (e) => warn(`worker: artifact store unreachable, trying again: ${(e as Error).message}`));
  return {
    outbox: new FileOutbox(join(data, 'outbox')),
    store,
    gateway: createGateway({ mode: config.SOHOA_GATEWAY, url: config.SOHOA_GATEWAY_URL, store }),
    limits: limitsOf(config),
    quality: qualitySettingsOf(config),
    planDeadline: config.SOHOA_PLAN_DEADLINE,
    // A client connection of its own (the worker's is native): it connects on first use.
    temporal: new Client({ connection: Connection.lazy({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE }),
    units: loadUnits(),
  };
}
