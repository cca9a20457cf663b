import { z } from 'zod';

export const agencyLevels = ['province', 'district', 'commune'] as const;
export type AgencyLevel = (typeof agencyLevels)[number];
export const agencyLevelSchema = z.enum(agencyLevels);

export const AGENCY_LEVEL_LABELS_VI: Record<AgencyLevel, string> = {
  province: 'Cấp tỉnh (Sở Tư pháp)',
  district: 'Cấp huyện (Phòng Tư pháp)',
  commune: 'Cấp xã (UBND xã)',
};

/**
 * An agency that keeps registers. Codes are national statistics codes: province 2 digits,
 * district 3, commune 5. A district-level Phòng Tư pháp carries its district's code; the
 * province's Sở Tư pháp carries the province code as its own `districtCode`, so every book
 * has a district for reports. Units are data, never constants in the rules: they merge and split.
 */
export const agencySchema = z.object({
  code: z.string().regex(/^\d{2,5}$/, 'mã đơn vị phải là mã thống kê 2–5 chữ số'),
  name: z.string().min(2).max(200),
  level: agencyLevelSchema,
  districtCode: z.string().regex(/^\d{2,3}$/, 'mã huyện phải là 2–3 chữ số'),
  provinceCode: z.string().regex(/^\d{2}$/, 'mã tỉnh phải là 2 chữ số'),
});
export type Agency = z.infer<typeof agencySchema>;

export const jurisdictionLevels = ['province', 'district', 'agency'] as const;
export type JurisdictionLevel = (typeof jurisdictionLevels)[number];

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
