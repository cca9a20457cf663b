import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors';

export type JobState = 'running' | 'finished' | 'failed';

export interface Job<R = unknown> {
  id: string;
  kind: 'import' | 'bulk';
  action?: string;
  owner: string;
  state: JobState;
  createdAt: string;
  finishedAt?: string;
  total: number;
  done: number;
  summary: Record<string, number>;
  results?: R[];
  /** What the owner is told: an API error's own message, else a generic one (the cause is logged). */
  error?: string;
  /** Why it failed, for the log and for a caller that waited (answered as any error). */
  cause?: unknown;
  /** Resolves when the job ends (for callers that wait). */
  finished: Promise<void>;
}

const KEEP_MS = 3600_000;
const KEEP_MAX = 200;

/**
 * Long operations (inventory imports, bulk actions) in the API process's memory: progress and
 * per-book answers for an hour. A restart loses them; rerunning is safe, both are idempotent.
 */
export class JobRegistry {
  private jobs = new Map<string, Job>();

  constructor(private readonly log: { error: (o: object, m: string) => void } = { error: () => undefined }) {}

  start<R>(
    spec: { kind: Job['kind']; action?: string; owner: string; total: number },
    run: (progress: (done: number, summary?: Record<string, number>) => void) => Promise<{ summary: Record<string, number>; results: R[] }>,
  ): Job<R> {
    this.prune();
    const job = {
      id: randomUUID(),
      ...spec,
      state: 'running' as JobState,
      createdAt: new Date().toISOString(),
      done: 0,
      summary: {},
    } as Job<R>;
    job.finished = run((done, summary) => {
      job.done = done;
      if (summary) job.summary = summary;
    }).then(
      (r) => {
        job.state = 'finished';
        job.summary = r.summary;
        job.results = r.results;
        job.done = job.total;
        job.finishedAt = new Date().toISOString();
      },
      (e: unknown) => {
        job.state = 'failed';
        job.cause = e;
        job.error = e instanceof ApiError ? e.message : `lỗi hệ thống; chi tiết được ghi trong nhật ký máy chủ (công việc ${job.id})`;
        if (!(e instanceof ApiError)) this.log.error({ err: e, jobId: job.id, kind: job.kind }, 'công việc thất bại');
        job.finishedAt = new Date().toISOString();
      },
    );
    this.jobs.set(job.id, job as Job);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Waits for running jobs (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.finished));
  }

  private prune(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [id, j] of this.jobs) if (j.finishedAt && Date.parse(j.finishedAt) < cutoff) this.jobs.delete(id);
    while (this.jobs.size >= KEEP_MAX) {
      const oldest = [...this.jobs.values()].find((j) => j.state !== 'running');
      if (!oldest) break;
      this.jobs.delete(oldest.id);
    }
  }
}
