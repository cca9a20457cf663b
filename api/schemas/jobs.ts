import type { JobView } from '../../contracts/v1';
import type { Job } from '../services/jobs';

/** A job as its owner sees it: what the registry keeps, without its promise. */
export function viewOfJob(job: Job, withResults = true): JobView {
  return {
    jobId: job.id,
    kind: job.kind,
    ...(job.action ? { action: job.action } : {}),
    state: job.state,
    createdAt: job.createdAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    total: job.total,
    done: job.done,
    summary: job.summary,
    ...(withResults && job.results ? { results: job.results as Record<string, unknown>[] } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}
