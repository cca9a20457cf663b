import { quangNamUnits } from '../domain/data/quangNam';
import type { Units } from '../domain/units';

/**
 * The one place a deployment's units are chosen; everything else receives them. Today the reference
 * province (Quảng Nam, 49); the units issue loads every province from a maintained dataset.
 */
export function loadUnits(): Units {
  return quangNamUnits;
}
