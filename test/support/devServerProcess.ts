import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SEARCH_ATTRIBUTE_REGISTRATION } from '../../workflows/definitions';
import { waitForFrontend } from '../../clients/temporal/devServer';
import { TEMPORAL_CLI } from '../../clients/paths';
import { freePort } from './ports';

const live = new Set<ChildProcess>();
let exitHook = false;

/**
 * `temporal server start-dev` with `make up`'s settings (a SQLite file, WAL and normal sync, the
 * contract's search attributes), headless, its ports on 127.0.0.1 chosen once, so that it can be
 * restarted on the same file and address while clients and workers stay pointed at it. Its log is
 * kept (not printed): `tail` has the last lines.
 */
export class DevServerProcess {
  private child: ChildProcess | undefined;
  tail: string[] = [];

  private constructor(
    private readonly dbFile: string,
    private readonly ports: { grpc: number; http: number; metrics: number },
  ) {}

  get address(): string {
    return `127.0.0.1:${this.ports.grpc}`;
  }

  /** A server with its database in `dir` (`temporal.db`). */
  static async start(dir: string): Promise<DevServerProcess> {
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => live.forEach((c) => c.kill('SIGKILL')));
    }
    const s = new DevServerProcess(join(dir, 'temporal.db'), { grpc: await freePort(), http: await freePort(), metrics: await freePort() });
    await s.run();
    return s;
  }

  private async run(): Promise<void> {
    const args = [
      'server', 'start-dev', '--headless',
      '--db-filename', this.dbFile,
      '--ip', '127.0.0.1', '--port', String(this.ports.grpc),
      '--http-port', String(this.ports.http), '--metrics-port', String(this.ports.metrics),
      '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal',
      '--log-level', 'error',
      ...Object.entries(SEARCH_ATTRIBUTE_REGISTRATION).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    ];
    const child = spawn(TEMPORAL_CLI, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    live.add(child);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.tail.push(line);
      if (this.tail.length > 40) this.tail.shift();
    });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => {
        live.delete(child);
        reject(new Error(`temporal server start-dev exited (${code}):\n${this.tail.join('\n')}`));
      }),
    );
    await Promise.race([waitForFrontend(this.address), exited]);
  }

  /** Stops the server and starts it again on the same file and port; says how it stopped. */
  async restart(): Promise<'SIGTERM' | 'SIGKILL'> {
    const how = await this.stop();
    await this.run();
    return how;
  }

  /** SIGTERM, as an operator would; SIGKILL when it has not stopped 10 s later. */
  async stop(): Promise<'SIGTERM' | 'SIGKILL'> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return 'SIGTERM';
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    let how: 'SIGTERM' | 'SIGKILL' = 'SIGTERM';
    const t = setTimeout(() => {
      how = 'SIGKILL';
      child.kill('SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(t);
    return how;
  }
}
