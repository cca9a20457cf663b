import { Context } from '@temporalio/activity';

export type Heartbeat = (details: unknown) => void;

/** Heartbeats when running inside an activity; a no-op when called directly (tests, bench). */
export const defaultHeartbeat: Heartbeat = (details) => {
  try {
    Context.current().heartbeat(details);
  } catch {
    /* not in an activity */
  }
};
