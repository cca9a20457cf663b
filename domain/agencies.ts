import type { Agency, AgencyLevel, JurisdictionLevel } from '../contracts/v1/values';

export { agencyLevels, agencyLevelSchema, agencySchema, jurisdictionLevels } from '../contracts/v1/values';
export type { Agency, AgencyLevel, JurisdictionLevel } from '../contracts/v1/values';

export const AGENCY_LEVEL_LABELS_VI: Record<AgencyLevel, string> = {
  province: 'Cấp tỉnh (Sở Tư pháp)',
  district: 'Cấp huyện (Phòng Tư pháp)',
  commune: 'Cấp xã (UBND xã)',
};

/** Does a jurisdiction (province, district or one agency, by code) cover this agency? */
export function jurisdictionCovers(scope: JurisdictionLevel, code: string, agency: Agency): boolean {
  switch (scope) {
    case 'province':
      return agency.provinceCode === code;
    case 'district':
      return agency.districtCode === code;
    case 'agency':
      return agency.code === code;
  }
}
