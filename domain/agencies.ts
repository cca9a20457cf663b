import type { AgencyLevel } from '../contracts/v1/values';

export { agencyLevels, agencyLevelSchema, agencySchema, jurisdictionLevels } from '../contracts/v1/values';
export type { Agency, AgencyLevel, JurisdictionLevel } from '../contracts/v1/values';

export const AGENCY_LEVEL_LABELS_VI: Record<AgencyLevel, string> = {
  province: 'Cấp tỉnh (Sở Tư pháp)',
  district: 'Cấp huyện (Phòng Tư pháp)',
  commune: 'Cấp xã (UBND xã)',
};
