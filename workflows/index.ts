// zod and the schema modules, shared by every book of a worker (preloaded); imported here to be one of the bundle's inputs.
import './workerShared';
export { registerDigitization } from './registerDigitization';
export { overdueDigest, weeklyProgressReport } from './schedules';
export { intakeC06Upload, parseInventoryUpload, unpackScanDelivery } from './userFiles';
export { provincePlan } from './provincePlan';
