import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { days } from '../../domain/settings';

/** The demo's plan deadline: set once, 45 days after the clock of the first run, and kept. */
export async function demoDeadline(dataDir: string): Promise<string> {
  const planFile = join(dataDir, 'demo-plan.json');
  const deadline = existsSync(planFile)
    ? (JSON.parse(await readFile(planFile, 'utf8')) as { deadline: string }).deadline
    : new Date(Date.now() + days(45)).toISOString();
  await writeFile(planFile, JSON.stringify({ deadline }));
  return deadline;
}
