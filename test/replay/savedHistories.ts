import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const HISTORIES_DIR = fileURLToPath(new URL('./histories/', import.meta.url));
/** Beside the fixtures: the hash of the workflow sources the newest fixtures were recorded with. */
export const BUNDLE_INPUTS_NAME = 'bundle-inputs.json';

/** File names of the saved histories (every JSON file of `histories/` but the bundle inputs), sorted. */
export async function historyFiles(): Promise<string[]> {
  const names = await readdir(HISTORIES_DIR);
  return names.filter((f) => f.endsWith('.json') && f !== BUNDLE_INPUTS_NAME).sort();
}

/** The saved histories as `Worker.runReplayHistories` takes them, each named by its file. */
export async function savedHistories(): Promise<{ workflowId: string; history: unknown }[]> {
  const files = await historyFiles();
  return Promise.all(files.map(async (f) => ({ workflowId: f, history: JSON.parse(await readFile(HISTORIES_DIR + f, 'utf8')) })));
}

const VERSIONED = /^[\w-]+\.v(\d+)\.json$/;

/** The version number in a fixture's name (`completed-excel.v2.json` → 2), undefined if it has none. */
export function fixtureVersion(file: string): number | undefined {
  const m = VERSIONED.exec(file);
  return m ? Number(m[1]) : undefined;
}
