import type { Notice } from '../domain/notices';
import { createAcceptanceActivities } from './acceptance';
import { createC06UploadActivities } from './c06/upload';
import { createInventoryActivities } from './inventory';
import { createExcelActivities } from './excel';
import { createImportActivities, type RegistryGateway } from './gateway';
import type { FileOutbox } from '../clients/outbox';
import { createScanActivities } from './scans/packageScans';
import type { ArtifactStore } from '../clients/storage/types';
import type { Activities } from './types';
import type { Limits } from '../clients/config';

/** What activities need from the outside world; tests hand in real local ones. */
export interface ActivityDeps {
  outbox: FileOutbox;
  store: ArtifactStore;
  gateway: RegistryGateway;
  /** What users' files may hold; the configured defaults otherwise. */
  limits?: Limits;
}

/** Activities are plain async functions built from their dependencies. */
export function createActivities(deps: ActivityDeps): Activities {
  const { validateExcel } = createExcelActivities({ store: deps.store });
  const limited = { store: deps.store, ...(deps.limits ? { limits: deps.limits } : {}) };
  return {
    async notify(notice: Notice) {
      await deps.outbox.write(notice);
    },
    ...createScanActivities({ store: deps.store, ...(deps.limits ? { limits: deps.limits } : {}) }),
    validateExcel,
    ...createImportActivities({ store: deps.store, gateway: deps.gateway }),
    ...createAcceptanceActivities({ store: deps.store }),
    // Users' files the API takes in, read here so a hostile one never costs the API its memory.
    ...createInventoryActivities(limited),
    ...createC06UploadActivities(limited),
  };
}
