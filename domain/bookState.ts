/** A book's state machine: its types, guards, transitions, timers and status projection. */
export * from './state/types';
export * from './state/guards';
export * from './state/transitions';
export * from './state/timers';
export * from './state/projection';
export type { ActionRecord } from '../contracts/v1/commands';
export type { BookStatusV1 as BookStatus } from '../contracts/v1/status';
export type { Failing, Artifact, Problem, Counts, Review, ActorStamp, Phase } from '../contracts/v1/values';
