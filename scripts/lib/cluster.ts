import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../clients/paths';
import { procStat } from './proc';

const run = promisify(execFile);
const SCRIPTS = join(ROOT, 'scripts/cluster');

/** Where a cluster lives: its folder and port base (scripts/cluster/env.sh), so several run side by side. */
export interface ClusterPlace {
  SOHOA_CLUSTER_DIR: string;
  SOHOA_CLUSTER_PORT_BASE: string;
}

/** scripts/cluster/*.sh run against one cluster (the tests', a benchmark's), and what they say about it. */
export function clusterScripts(place: ClusterPlace) {
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, ...place, ...extra });

  /** Runs one of scripts/cluster/*.sh; its output is returned (and thrown with on failure). */
  async function script(name: string, args: string[] = [], extra: Record<string, string> = {}): Promise<string> {
    try {
      const { stdout } = await run(join(SCRIPTS, name), args, { env: env(extra), maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
      return stdout;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${name} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    }
  }

  /** Bash with scripts/cluster/lib.sh sourced (its variables and functions), e.g. `psql_su -tAc …`. */
  async function shell(command: string): Promise<string> {
    const { stdout } = await run('bash', ['-c', `. ${join(SCRIPTS, 'lib.sh')} && ${command}`], { env: env(), maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  }

  /** What the workers and the API of the cluster are given, as the scripts give it (env.sh's sohoa_env). */
  async function sohoaEnv(): Promise<Record<string, string>> {
    const out = await shell('sohoa_env');
    return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }

  /** The pid a cluster process runs as (from its pid file), or undefined when stopped. */
  async function pidOf(name: string): Promise<number | undefined> {
    const pid = Number(await readFile(join(place.SOHOA_CLUSTER_DIR, 'run', `${name}.pid`), 'utf8').catch(() => ''));
    if (!pid) return undefined;
    // Alive, and not a zombie (a killed daemon nobody reaps).
    const state = procStat(pid)?.[0];
    return state && state !== 'Z' ? pid : undefined;
  }

  return { script, shell, sohoaEnv, pidOf };
}
