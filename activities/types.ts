import type { Notice } from '../domain/notices';
import type { AcceptanceActivities } from './acceptance';
import type { C06Activities } from './c06/reconcile';
import type { C06UploadActivities } from './c06/upload';
import type { InventoryActivities } from './inventory';
import type { ExcelActivities } from './excel';
import type { ImportActivities } from './gateway';
import type { ScanActivities } from './scans/packageScans';
import type { ScanIntakeActivities } from './scans/unpack';
import type { ScheduleActivities } from './schedules';

/** The activities the workflows call, by name. Implementations come from `createActivities`. */
export type Activities = { notify(notice: Notice): Promise<void> } & ScanActivities &
  Pick<ExcelActivities, 'validateExcel'> &
  ImportActivities &
  AcceptanceActivities &
  ScheduleActivities &
  InventoryActivities &
  C06UploadActivities &
  ScanIntakeActivities &
  C06Activities;
