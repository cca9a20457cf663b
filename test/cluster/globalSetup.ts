import { rm } from 'node:fs/promises';
import { script, TEST_CLUSTER } from './cluster';

/**
 * Once per `make test-cluster`: a fresh cluster in data/cluster-test (the install ran before), with
 * the demo province as `make up-cluster` loads it; stopped at the end, whatever happened.
 */
export default async function setup() {
  await script('down.sh').catch(() => undefined);
  await rm(TEST_CLUSTER.SOHOA_CLUSTER_DIR, { recursive: true, force: true });
  const t0 = Date.now();
  const out = await script('up.sh');
  console.log(`${out}\n[cluster] up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return async () => {
    await script('down.sh');
  };
}
