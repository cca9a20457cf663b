import type { Notice } from '../domain/notices';
import { createAcceptanceActivities } from './acceptance';
import { createExcelActivities } from './excel';
import { createImportActivities, type RegistryGateway } from './gateway';
import type { FileOutbox } from '../clients/outbox';
import { createScanActivities } from './scans/packageScans';
import type { ArtifactStore } from '../clients/storage/types';
import type { Activities } from './types';
import type { Limits } from '../clients/config';
import type { Client } from '@temporalio/client';
import { loadUnits } from '../clients/units';
import type { Units } from '../domain/units';
import { createScheduleActivities } from './schedules';

/** What activities need from the outside world; tests hand in real local ones. */
export interface ActivityDeps {
  outbox: FileOutbox;
  store: ArtifactStore;
  gateway: RegistryGateway;
  /** What users' files may hold; the configured defaults otherwise. */
  limits?: Limits;
  /** Visibility lists for the scheduled runs (digest, weekly report). */
  temporal: Client;
  /** The units the reports name (the configured province's by default). */
  units?: Units;
}

/** Activities are plain async functions built from their dependencies. */
export function createActivities(deps: ActivityDeps): Activities {
  const { validateExcel } = createExcelActivities({ store: deps.store, ...(deps.limits ? { limits: deps.limits } : {}) });
  return {
    async notify(notice: Notice) {
      await deps.outbox.write(notice);
    },
    ...createScanActivities({ store: deps.store, ...(deps.limits ? { limits: deps.limits } : {}) }),
    validateExcel,
    ...createImportActivities({ store: deps.store, gateway: deps.gateway }),
    ...createAcceptanceActivities({ store: deps.store }),
    ...createScheduleActivities({ store: deps.store, outbox: deps.outbox, temporal: deps.temporal, units: deps.units ?? loadUnits() }),
  };
}
