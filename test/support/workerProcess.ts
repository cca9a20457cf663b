import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../../clients/paths';

/** A worker that exited without being asked to. */
export interface WorkerCrash {
  pid: number;
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What it wrote last (the reason). */
  tail: string[];
}

const live = new Set<ChildProcess>();
let exitHook = false;

/**
 * The real worker (`workers/main.ts`) as a child process configured by environment variables, so a
 * test can kill it with SIGKILL (no drain, nothing said to the server) and start it again. One
 * process at a time; `node --import tsx` keeps it a single process, so the pid killed is the worker.
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  /** Set by kill() and stop(): the exit that follows was asked for. */
  private asked = false;
  /** When the current process was ready (ms); activities started before it belong to a dead one. */
  readyAt = 0;
  /** The last lines the worker wrote (stdout and stderr), for a failure's message. */
  tail: string[] = [];
  /** Called when a worker exits without being asked to. */
  onCrash?: (e: WorkerCrash) => void;

  constructor(private readonly env: Record<string, string>) {
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => live.forEach((c) => c.kill('SIGKILL')));
    }
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts a worker and resolves once it is connected and about to poll (its start line). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) throw new Error('a worker is already running');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'workers/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.asked = false;
    this.tail = [];
    live.add(child);
    const keep = (line: string) => {
      this.tail.push(line);
      if (this.tail.length > 40) this.tail.shift();
    };
    createInterface({ input: child.stderr! }).on('line', keep);
    let isReady = false;
    const ready = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.asked = true;
        child.kill('SIGKILL');
        reject(new Error(`worker not ready in ${timeoutMs} ms:\n${this.tail.join('\n')}`));
      }, timeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        keep(line);
        if (line.startsWith('worker: task queue')) {
          clearTimeout(t);
          isReady = true;
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(t);
        live.delete(child);
        // A worker that never got ready is a failed start (start() rejects), not a crash.
        if (!isReady) return reject(new Error(`worker exited before it was ready (${code ?? signal}):\n${this.tail.join('\n')}`));
        if (!this.asked) this.onCrash?.({ pid: child.pid!, at: Date.now(), code, signal, tail: [...this.tail] });
      });
    });
    await ready;
    this.readyAt = Date.now();
  }

  /** kill -9 the running worker and wait until it is gone. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  /** A graceful stop (SIGTERM: the worker drains its tasks), SIGKILL after 15 s. */
  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.asked = true;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }
}
