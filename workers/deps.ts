import { join, resolve } from 'node:path';
import type { ActivityDeps } from '../activities';
import { FileOutbox } from '../activities/notify/outbox';
import type { Config } from '../domain/config';

/** The real dependencies of activities, from the config. */
export function depsFromConfig(config: Config): ActivityDeps {
  const data = resolve(config.SOHOA_DATA_DIR);
  return { outbox: new FileOutbox(join(data, 'outbox')) };
}
