import type { Agency } from '../agencies';
import { unitsOf } from '../units';

/**
 * Reference units of Quảng Nam (province code 49) in 2023, from the national statistics list.
 * District codes are the GSO codes; the communes listed are a sample used by the demo and tests
 * (the full list of 241 is loaded as data in production). Nông Sơn merged into Quế Sơn on
 * 24/10/2024 and communes were reorganised in 2025: that is why units are data, not rules.
 */
export const QUANG_NAM_CODE = '49';

export const QUANG_NAM_DISTRICTS = [
  { code: '502', name: 'Tam Kỳ', kind: 'thành phố', communes: 13 },
  { code: '503', name: 'Hội An', kind: 'thành phố', communes: 13 },
  { code: '504', name: 'Tây Giang', kind: 'huyện', communes: 10 },
  { code: '505', name: 'Đông Giang', kind: 'huyện', communes: 11 },
  { code: '506', name: 'Đại Lộc', kind: 'huyện', communes: 18 },
  { code: '507', name: 'Điện Bàn', kind: 'thị xã', communes: 20 },
  { code: '508', name: 'Duy Xuyên', kind: 'huyện', communes: 14 },
  { code: '509', name: 'Quế Sơn', kind: 'huyện', communes: 13 },
  { code: '510', name: 'Nam Giang', kind: 'huyện', communes: 12 },
  { code: '511', name: 'Phước Sơn', kind: 'huyện', communes: 12 },
  { code: '512', name: 'Hiệp Đức', kind: 'huyện', communes: 11 },
  { code: '513', name: 'Thăng Bình', kind: 'huyện', communes: 22 },
  { code: '514', name: 'Tiên Phước', kind: 'huyện', communes: 15 },
  { code: '515', name: 'Bắc Trà My', kind: 'huyện', communes: 13 },
  { code: '516', name: 'Nam Trà My', kind: 'huyện', communes: 10 },
  { code: '517', name: 'Núi Thành', kind: 'huyện', communes: 17 },
  { code: '518', name: 'Phú Ninh', kind: 'huyện', communes: 11 },
  { code: '519', name: 'Nông Sơn', kind: 'huyện', communes: 6 },
] as const;

const SAMPLE_COMMUNES: ReadonlyArray<readonly [code: string, name: string, districtCode: string]> = [
  ['20194', 'UBND phường Tân Thạnh', '502'],
  ['20197', 'UBND phường Phước Hòa', '502'],
  ['20221', 'UBND xã Tam Thăng', '502'],
  ['20245', 'UBND phường Minh An', '503'],
  ['20290', 'UBND xã Cẩm Thanh', '503'],
  ['20380', 'UBND thị trấn Ái Nghĩa', '506'],
  ['20470', 'UBND phường Vĩnh Điện', '507'],
  ['20575', 'UBND thị trấn Nam Phước', '508'],
  ['20710', 'UBND thị trấn Hà Lam', '513'],
  ['20899', 'UBND xã Trà Mai', '516'],
  ['20911', 'UBND thị trấn Núi Thành', '517'],
];

export function districtName(code: string): string {
  if (code === QUANG_NAM_CODE) return 'Cấp tỉnh';
  const d = QUANG_NAM_DISTRICTS.find((d) => d.code === code);
  return d ? `${d.kind === 'huyện' ? 'Huyện' : d.kind === 'thị xã' ? 'Thị xã' : 'Thành phố'} ${d.name}` : code;
}

export const QUANG_NAM_AGENCIES: Agency[] = [
  { code: QUANG_NAM_CODE, name: 'Sở Tư pháp tỉnh Quảng Nam', level: 'province', districtCode: QUANG_NAM_CODE, provinceCode: QUANG_NAM_CODE },
  ...QUANG_NAM_DISTRICTS.map((d) => ({
    code: d.code,
    name: `Phòng Tư pháp ${districtName(d.code).replace(/^Huyện/, 'huyện').replace(/^Thị xã/, 'thị xã').replace(/^Thành phố/, 'thành phố')}`,
    level: 'district' as const,
    districtCode: d.code,
    provinceCode: QUANG_NAM_CODE,
  })),
  ...SAMPLE_COMMUNES.map(([code, name, districtCode]) => ({
    code,
    name,
    level: 'commune' as const,
    districtCode,
    provinceCode: QUANG_NAM_CODE,
  })),
];

export function findAgency(code: string): Agency | undefined {
  return QUANG_NAM_AGENCIES.find((a) => a.code === code);
}

/** Quảng Nam as the units the demo and the tests run with. */
export const quangNamUnits = unitsOf({
  provinceCode: QUANG_NAM_CODE,
  provinceName: 'Quảng Nam',
  districts: QUANG_NAM_DISTRICTS.map((d) => ({ code: d.code, name: districtName(d.code) })),
  agencies: QUANG_NAM_AGENCIES,
});
