import { describe, expect, it } from 'vitest';
import { agencyLevels, type AgencyLevel } from '../../domain/agencies';
import { dataStepFor, planFor } from '../../domain/plan';
import { registerTypes, type RegisterType } from '../../domain/registerTypes';

/** The routing table of ../shared/domain.md, written out case by case. */
const expected: Record<RegisterType, Record<AgencyLevel, string>> = {
  maritalStatus: { province: 'excel', district: 'excel', commune: 'excel' },
  parentChild: { province: 'excel', district: 'excel', commune: 'excel' },
  birth: { province: 'excel', district: 'excel', commune: 'c06' },
  marriage: { province: 'excel', district: 'excel', commune: 'c06' },
  death: { province: 'excel', district: 'excel', commune: 'c06' },
  adoption: { province: 'excel', district: 'excel', commune: 'c06' },
  guardianship: { province: 'manualEntry', district: 'manualEntry', commune: 'manualEntry' },
  guardianshipEnd: { province: 'manualEntry', district: 'manualEntry', commune: 'manualEntry' },
  divorceNote: { province: 'manualEntry', district: 'manualEntry', commune: 'manualEntry' },
  change: { province: 'manualEntry', district: 'manualEntry', commune: 'manualEntry' },
};

describe('the step plan for every (type, level)', () => {
  const cases = registerTypes.flatMap((t) => agencyLevels.map((l) => [t, l] as const));
  it('covers all 10 types × 3 levels', () => expect(cases).toHaveLength(30));

  it.each(cases)('%s at %s', (type, level) => {
    const data = expected[type][level];
    expect(dataStepFor(type, level)).toBe(data);
    const plan = planFor(type, level);
    expect(plan.slice(0, 3)).toEqual(['inventory', 'scan', data]);
    expect(plan.slice(-2)).toEqual(['acceptance', 'done']);
    // Data that goes through Excel or C06 is imported into CSDLHTĐT; manual entry is typed there directly.
    expect(plan.includes('import')).toBe(data !== 'manualEntry');
  });
});
