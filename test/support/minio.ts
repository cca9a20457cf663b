import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINIO } from '../../clients/paths';

export interface MinioServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
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
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const consolePort = await freePort();
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
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const stop = async () => {
      running.delete(child);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    };
    const ok = await waitLive(endpoint, child, 30_000);
    if (ok) return { endpoint, accessKey, secretKey, stop };
    const exitedBySelf = child.exitCode !== null || child.signalCode !== null;
    running.delete(child);
    child.kill('SIGKILL');
    // A port taken between our probe and MinIO's bind: try another one, twice at most.
    if (attempt >= 2 || !exitedBySelf) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`MinIO did not start on ${endpoint}:\n${stderr}`);
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
