import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from './api';

export interface Listed {
  id: string;
  step: string | null;
  phase: string | null;
  updatedAt: string | null;
  executionStatus: string;
}

/**
 * The manager's book list (`GET /api/registers`) and stuck list (`GET /api/reports/stuck`), both
 * Temporal visibility, read once a second: how the drivers learn that an automatic step moved a
 * book, or keeps failing, without asking each workflow.
 */
export class Watcher {
  readonly books = new Map<string, Listed>();
  /** Books the stuck list shows with an automatic step failing again and again. */
  failing = new Set<string>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly api: ApiClient) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.refresh();
        await sleep(1000);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async refresh(): Promise<void> {
    const stuck = await this.api.call<{ failing: Array<{ id: string }> }>('manager', 'GET', '/api/reports/stuck', { timeoutMs: 10_000 });
    if (stuck.status === 200) this.failing = new Set(stuck.body.failing.map((f) => f.id));
    let token: string | undefined;
    do {
      const r = await this.api.call<{ items: Listed[]; nextPageToken?: string }>(
        'manager',
        'GET',
        `/api/registers?pageSize=1000${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`,
        { timeoutMs: 10_000 },
      );
      if (r.status !== 200) return; // the server is restarting: keep the last list
      for (const b of r.body.items) this.books.set(b.id, b);
      token = r.body.nextPageToken;
    } while (token);
  }

  /** Books the list shows processing (an automatic step running or due) at one of `steps`. */
  processing(steps: string[]): string[] {
    return [...this.books.values()].filter((b) => b.phase === 'processing' && b.step !== null && steps.includes(b.step)).map((b) => b.id);
  }

  /** Resolves once the list shows the book changed after `updatedAt` (ISO times compare as text), or after `maxMs`. */
  async changed(id: string, updatedAt: string, maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    while (!this.stopped && Date.now() < until) {
      const b = this.books.get(id);
      if (b?.updatedAt && b.updatedAt > updatedAt) return;
      await sleep(250);
    }
  }
}
