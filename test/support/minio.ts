import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINIO } from '../../clients/paths';
import { freePort } from './ports';

export interface MinioServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
  /** Stops the server (SIGKILL), keeping its data and port: an outage. */
  halt(): Promise<void>;
  /** Starts it again after `halt()`, on the same port and data, and waits until it is live. */
  resume(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only the servers this process started, by their own pid.
  process.on('exit', () => {
    for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
  });
}

/**
 * A real MinIO server (`.tools/bin/minio`, built by scripts/install-tools.sh) on a free loopback port,
 * its data in a temp folder, with random credentials. Stops with `stop()` or when this process exits.
 */
export async function startMinio(): Promise<MinioServer> {
  if (!existsSync(MINIO)) throw new Error(`${MINIO} is missing: run scripts/install-tools.sh minio`);
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-minio-'));
  const accessKey = `test${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(18).toString('hex');
  killAllOnExit();
  const spawnOn = (port: number, consolePort: number) => {
    const child = spawn(
      MINIO,
      ['server', '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, join(dir, 'data')],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          MINIO_ROOT_USER: accessKey,
          MINIO_ROOT_PASSWORD: secretKey,
          MINIO_BROWSER: 'off',
          MINIO_UPDATE: 'off',
          MINIO_CI_CD: '1',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    running.add(child);
    const log = { stderr: '' };
    child.stderr!.on('data', (d: Buffer) => {
      log.stderr = (log.stderr + d.toString()).slice(-4000);
    });
    return { child, log };
  };
  const kill = async (child: ChildProcess, signal: NodeJS.Signals) => {
    running.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const consolePort = await freePort();
    let current = spawnOn(port, consolePort);
    const endpoint = `http://127.0.0.1:${port}`;
    const stop = async () => {
      await kill(current.child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    };
    const halt = () => kill(current.child, 'SIGKILL');
    const resume = async () => {
      current = spawnOn(port, consolePort);
      if (!(await waitLive(endpoint, current.child, 30_000))) throw new Error(`MinIO did not start again on ${endpoint}:\n${current.log.stderr}`);
    };
    const ok = await waitLive(endpoint, current.child, 30_000);
    if (ok) return { endpoint, accessKey, secretKey, stop, halt, resume };
    const { child } = current;
    const exitedBySelf = child.exitCode !== null || child.signalCode !== null;
    running.delete(child);
    child.kill('SIGKILL');
    // A port taken between our probe and MinIO's bind: try another one, twice at most.
    if (attempt >= 2 || !exitedBySelf) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`MinIO did not start on ${endpoint}:\n${current.log.stderr}`);
    }
  }
}

async function waitLive(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const r = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
