import { existsSync } from 'node:fs';
import { buildWorkflowBundle } from '../../clients/workflowBundle/build';
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../../clients/paths';

/** Once per run: the Temporal binaries must be installed (make test does it) and one workflow bundle is built. */
export default async function setup() {
  for (const bin of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/install-tools.sh (make test does)`);
  }
  await buildWorkflowBundle();
}
