export { registerDigitization } from './registerDigitization';
export { overdueDigest, weeklyProgressReport } from './schedules';
