export { registerDigitization } from './registerDigitization';
export { overdueDigest, weeklyProgressReport } from './schedules';
export { intakeC06Upload, parseInventoryUpload, unpackScanDelivery } from './userFiles';
