import type { Agency } from '../contracts/v1/values';

/**
 * The administrative units a deployment serves, handed as data to every rule and route that needs
 * them: units merge and split (Nông Sơn into Quế Sơn in 2024, the 2025 reorganisation), the rules do not.
 */
export interface Units {
  provinceCode: string;
  provinceName: string;
  /** Districts with their display names ("Thành phố Tam Kỳ"). */
  districts: readonly { code: string; name: string }[];
  /** Every agency that keeps registers: the Sở Tư pháp, the district offices, the communes. */
  agencies: readonly Agency[];
  findAgency(code: string): Agency | undefined;
  /** A district's display name; "Cấp tỉnh" for the province's own code; the code itself if unknown. */
  districtName(code: string): string;
}

export function unitsOf(data: Pick<Units, 'provinceCode' | 'provinceName' | 'districts' | 'agencies'>): Units {
  const agencies = new Map(data.agencies.map((a) => [a.code, a]));
  const districts = new Map(data.districts.map((d) => [d.code, d.name]));
  return {
    ...data,
    findAgency: (code) => agencies.get(code),
    districtName: (code) => (code === data.provinceCode ? 'Cấp tỉnh' : (districts.get(code) ?? code)),
  };
}
