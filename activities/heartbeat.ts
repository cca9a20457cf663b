import { Context } from '@temporalio/activity';

export type Heartbeat = (details: unknown) => void;

const context = () => {
  try {
    return Context.current();
  } catch {
    return undefined; // called directly (tests, benchmarks): nothing to report to
  }
};

/**
 * Heartbeats when running inside an activity, and stops the work once Temporal asked to cancel it
 * (a withdrawn book): the heartbeat is where cancellation reaches an activity.
 */
export const heartbeat: Heartbeat = (details) => {
  const ctx = context();
  ctx?.heartbeat(details);
  ctx?.cancellationSignal.throwIfAborted();
};

/**
 * Runs `work` with a heartbeat every `everyMs`, for steps that spend long in one call (an upload, a
 * copy): a killed worker is then noticed within the heartbeat timeout, not the whole step's timeout.
 */
export async function whileAlive<T>(details: () => unknown, work: () => Promise<T>, everyMs = 15_000): Promise<T> {
  const ctx = context();
  if (!ctx) return work();
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
