import type { ActivityOptions } from '@temporalio/workflow';

const backoff = { initialInterval: '5s', backoffCoefficient: 2 } as const;

/**
 * Long, streaming work heartbeats, so a killed worker's attempt is retried within two minutes.
 * Import posts or copies a whole zip and heartbeats while doing it; acceptance only reads a manifest
 * and a notice writes one file: seconds, so an attempt lost with its worker is retried after a minute.
 */
const timeouts = {
  long: { startToCloseTimeout: '2h', heartbeatTimeout: '2m' },
  import: { startToCloseTimeout: '30m', heartbeatTimeout: '2m' },
  short: { startToCloseTimeout: '1m' },
} as const satisfies Record<string, ActivityOptions>;

/** The first books' options: retried by Temporal without end (kept for the runs that started with them). */
export const unbounded = (t: keyof typeof timeouts): ActivityOptions => ({ ...timeouts[t], retry: { ...backoff, maximumInterval: '10m' } });

/**
 * Attempts in one round: after them the workflow marks the book failing (visible in one list query),
 * waits, and starts another round, so a fault that heals is picked up and one that does not is seen.
 */
export const ROUND_ATTEMPTS = 5;
export const bounded = (t: keyof typeof timeouts): ActivityOptions => ({
  ...timeouts[t],
  retry: { ...backoff, maximumInterval: '1m', maximumAttempts: ROUND_ATTEMPTS },
});

/** Pauses between rounds: from a minute to an hour. */
export const roundPauseMs = (round: number) => Math.min(60_000 * 2 ** (round - 1), 3_600_000);
