/** A book's state machine: its types, guards, transitions, timers and status projection. */
export * from './state/types';
export * from './state/guards';
export * from './state/transitions';
export * from './state/timers';
export * from './state/projection';
export type { BookStatusV1 as BookStatus, Failing, Artifact, Problem, Counts, Review, ActorStamp, ActionRecord, Phase } from '../contracts/v1';
