export { intakeC06Batch, c06BatchKeys, C06_SCOPE, type C06BatchInput, type C06IntakeResult, type C06MatchedBook } from './intake';
export { parseC06Batch, type C06Format, type C06RawRow } from './parse';
export { createC06Activities, type C06Activities, type ReconcileC06Input, type ReconcileC06Result } from './reconcile';
export { createC06UploadActivities, type C06UploadActivities, type IntakeC06Input, type IntakeC06Output } from './upload';
