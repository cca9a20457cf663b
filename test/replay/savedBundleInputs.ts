import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { currentBundleInputs } from '../../clients/workflowBundle/inputs';
import { ROOT } from '../../clients/paths';
import { BUNDLE_INPUTS_NAME, fixtureVersion, historyFiles, HISTORIES_DIR } from './savedHistories';

const BUNDLE_INPUTS_FILE = HISTORIES_DIR + BUNDLE_INPUTS_NAME;

const bundleInputsSchema = z.object({
  /** The fixture version recorded with these sources, e.g. `v2`. */
  version: z.string().regex(/^v\d+$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.array(z.string()).min(1),
});
type BundleInputs = z.infer<typeof bundleInputsSchema>;

export async function readSavedBundleInputs(): Promise<BundleInputs> {
  return bundleInputsSchema.parse(JSON.parse(await readFile(BUNDLE_INPUTS_FILE, 'utf8')));
}

/** The highest version among the saved fixtures; a fixture without one stops the guard. */
export async function newestFixtureVersion(): Promise<number> {
  const versions = (await historyFiles()).map((f) => {
    const v = fixtureVersion(f);
    if (v === undefined) throw new Error(`${HISTORIES_DIR}${f}: fixtures are named <scenario>.v<N>.json`);
    return v;
  });
  return Math.max(...versions);
}

/** After `record.ts <suffix>`: the current workflow sources become those of the newest fixtures. */
export async function saveBundleInputs(suffix: string): Promise<void> {
  const newest = await newestFixtureVersion();
  if (suffix !== `v${newest}`) {
    throw new Error(
      `recorded ${suffix}, but the newest fixtures are v${newest}: record with a suffix above every saved one and restore any overwritten fixture with git (${BUNDLE_INPUTS_NAME} left as it was)`,
    );
  }
  const { hash, files } = currentBundleInputs(ROOT);
  const saved: BundleInputs = { version: suffix, hash, files };
  await writeFile(BUNDLE_INPUTS_FILE, `${JSON.stringify(saved, null, 2)}\n`);
  console.log(`${BUNDLE_INPUTS_FILE}: ${saved.files.length} workflow sources of ${suffix}`);
}
