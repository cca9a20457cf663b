import type { Notice } from '../domain/notices';
import { createAcceptanceActivities } from './acceptance';
import { createC06Activities } from './c06/reconcile';
import { createC06UploadActivities } from './c06/upload';
import { createInventoryActivities } from './inventory';
import { createExcelActivities } from './excel';
import { createImportActivities, type RegistryGateway } from './gateway';
import type { FileOutbox } from '../clients/outbox';
import { createScanActivities } from './scans/packageScans';
import { createScanIntakeActivities } from './scans/unpack';
import type { ArtifactStore } from '../clients/storage/types';
import type { Activities } from './types';
import type { Limits, QualitySettings } from '../clients/config';
import type { Client } from '@temporalio/client';
import { loadUnits } from '../clients/units';
import type { Units } from '../domain/units';
import { createScheduleActivities } from './schedules';
import { DEFAULT_PLAN_DEADLINE } from '../contracts/v1/workflow';

/** What activities need from the outside world; tests hand in real local ones. */
export interface ActivityDeps {
  outbox: FileOutbox;
  store: ArtifactStore;
  gateway: RegistryGateway;
  /** What users' files may hold; the configured defaults otherwise. */
  limits?: Limits;
  /** Page checks and OCR while packaging scans (none when absent). */
  quality?: QualitySettings | undefined;
  /** Visibility lists for the scheduled runs (digest, weekly report). */
  temporal: Client;
  /** The units the reports name (the configured province's by default). */
  units?: Units;
  /** The configured plan deadline (the province plan's until its workflow runs; the contract's default otherwise). */
  planDeadline?: string;
}

/** Activities are plain async functions built from their dependencies. */
export function createActivities(deps: ActivityDeps): Activities {
  const limited = { store: deps.store, ...(deps.limits ? { limits: deps.limits } : {}) };
  const { validateExcel } = createExcelActivities(limited);
  return {
    async notify(notice: Notice) {
      await deps.outbox.write(notice);
    },
    ...createScanActivities({ ...limited, ...(deps.quality ? { quality: deps.quality } : {}) }),
    validateExcel,
    ...createImportActivities({ store: deps.store, gateway: deps.gateway }),
    ...createAcceptanceActivities({ store: deps.store }),
    ...createScheduleActivities({ store: deps.store, outbox: deps.outbox, temporal: deps.temporal, units: deps.units ?? loadUnits(), planDeadline: deps.planDeadline ?? DEFAULT_PLAN_DEADLINE }),
    // Users' files the API takes in, read here so a hostile one never costs the API its memory.
    ...createInventoryActivities(limited),
    ...createC06UploadActivities(limited),
    ...createScanIntakeActivities(limited),
    ...createC06Activities(limited),
  };
}
