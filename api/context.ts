import type { Client } from '@temporalio/client';
import type { FileOutbox } from '../clients/outbox';
import type { ArtifactStore } from '../clients/storage/types';
import type { Config } from '../clients/config';
import type { Units } from '../domain/units';
import type { UserStore } from '../clients/users';
import type { ApiMetrics } from './metrics';
import type { BookIndex } from './services/bookIndex';
import type { BookService } from './services/books';
import type { DeniedLog } from './services/deniedLog';
import type { Drafts } from './services/drafts';
import type { JobRegistry } from './services/jobs';
import type { PlanService } from './services/plan';
import type { ScheduleService } from './services/schedules';
import type { StuckScanner } from './services/stuck';

/** What the routes share: built once by `buildApp`. */
export interface AppContext {
  config: Config;
  /** The administrative units served: every jurisdiction, list and report reads them from here. */
  units: Units;
  client: Client;
  books: BookService;
  /** The read model of every book's list line (overview, sorted lists, stuck list). */
  index: BookIndex;
  /** The province plan (its deadline, which the books that follow it keep). */
  plan: PlanService;
  store?: ArtifactStore;
  /** Unsubmitted uploads of each book (with a store only). */
  drafts?: Drafts;
  outbox: FileOutbox;
  users: UserStore;
  denied: DeniedLog;
  jobs: JobRegistry;
  metrics: ApiMetrics;
  stuck: StuckScanner;
  /** The Temporal Schedules (digest, weekly report): read and driven, never created here. */
  schedules: ScheduleService;
  /** The workflow bundle that replays histories (the current workflow code). */
  workflowBundlePath: string;
}
