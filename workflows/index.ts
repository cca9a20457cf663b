export { registerDigitization } from './registerDigitization';
