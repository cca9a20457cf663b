import { z } from 'zod';
import type { Job } from '../services/jobs';

export const jobAcceptedSchema = z.object({
  jobId: z.string(),
  total: z.number(),
  statusUrl: z.string().describe('GET để xem tiến độ'),
});

export const jobViewSchema = z
  .object({
    jobId: z.string(),
    kind: z.enum(['import', 'bulk']),
    action: z.string().optional(),
    state: z.enum(['running', 'finished', 'failed']),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    total: z.number(),
    done: z.number(),
    summary: z.record(z.string(), z.number()),
    results: z.array(z.looseObject({})).optional().describe('trả lời cho từng sổ/dòng khi công việc xong'),
    error: z.string().optional(),
  })
  .meta({ id: 'Job' });
export type JobView = z.infer<typeof jobViewSchema>;

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
