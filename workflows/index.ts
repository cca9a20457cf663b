export { registerDigitization } from './registerDigitization';
export { intakeC06Upload, parseInventoryUpload } from './userFiles';
