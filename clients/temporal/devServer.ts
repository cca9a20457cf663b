import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { SEARCH_ATTRIBUTE_REGISTRATION } from '../../workflows/definitions';
import { TEMPORAL_CLI } from '../paths';

export interface DevServerOptions {
  dbFile: string;
  ip?: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
  /** SQLite tuned for many starts a second (default); `false` is the untuned baseline of bench:starts. */
  tuned?: boolean;
}

/**
 * Starts `temporal server start-dev` on a SQLite file, tuned for many starts a second (WAL, normal
 * sync), with the contract's search attributes registered. Returns once the frontend answers.
 */
export async function startDevServer(o: DevServerOptions): Promise<{ child: ChildProcess; address: string }> {
  const ip = o.ip ?? '127.0.0.1';
  const port = o.port ?? 7233;
  const args = [
    'server', 'start-dev',
    '--db-filename', o.dbFile,
    '--ip', ip, '--port', String(port),
    '--ui-ip', ip, '--ui-port', String(o.uiPort ?? 8233), '--ui-disable-news-fetch',
    '--namespace', o.namespace ?? 'default',
    ...(o.tuned === false ? [] : ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal']),
    '--log-level', 'error',
    ...Object.entries(SEARCH_ATTRIBUTE_REGISTRATION).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  const child = spawn(TEMPORAL_CLI, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const address = `${ip}:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal server start-dev exited (${code}); is port ${port} taken?`))),
  );
  await Promise.race([waitForFrontend(address), exited]);
  return { child, address };
}

export async function waitForFrontend(address: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.workflowService.getSystemInfo({});
      await c.close();
      return;
    } catch (e) {
      if (Date.now() > until) throw new Error(`Temporal at ${address} did not answer in ${timeoutMs / 1000}s: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
