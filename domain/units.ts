import type { Agency, Custodian } from '../contracts/v1/values';

/**
 * The administrative units a deployment serves, handed as data to every rule and route that needs
 * them: one legacy province (the units that registered its books, before 1/7/2025), the 2025 province
 * it became part of (the units that hold the books from then on), and how the one became the other.
 * Units merge and split (Nông Sơn into Quế Sơn in 2024, the 2025 reorganisation); the rules do not.
 */
export interface Units {
  provinceCode: string;
  provinceName: string;
  /** Districts with their display names ("Thành phố Tam Kỳ"). */
  districts: readonly { code: string; name: string }[];
  /** Every agency that registered books: the Sở Tư pháp, the district offices, the communes. */
  agencies: readonly Agency[];
  findAgency(code: string): Agency | undefined;
  /** A district's display name; "Cấp tỉnh" for the province's own code; the code itself if unknown. */
  districtName(code: string): string;
  /** The 2025 province this one became part of (key "n" + code). */
  province2025: { key: string; code: string; name: string };
  /** Every unit that may hold the province's books: its legacy agencies and the units of its 2025 province. */
  custodians: readonly Custodian[];
  findCustodian(key: string): Custodian | undefined;
  /** Where the books a unit holds go in the reorganisation. */
  successionOf(key: string): Succession;
  /** Legacy agencies whose books a 2025 unit took over (a 2025 commune's merged communes). */
  predecessorsOf(key: string): readonly string[];
  /** Legacy provinces merged into a 2025 province (codes). */
  provincesMergedInto(code2025: string): readonly string[];
  settings: SuccessionSettings;
  /** A legacy unit of another province, by its code ("Xã X, Huyện Y, Tỉnh Z"), for messages. */
  elsewhere(code: string): string | undefined;
}

/** One successor, or the candidates a manager chooses from; `final` for units of 2025 themselves. */
export type Succession =
  | { kind: 'to'; to: Custodian; why: string; /** A split commune's other successors. */ alternatives?: Custodian[] }
  | { kind: 'ask'; candidates: Custodian[]; why: string }
  | { kind: 'final'; why: string };

/** What the province decides about the books of its district level, which the data cannot say. */
export interface SuccessionSettings {
  /** Legacy district code → the key of the unit that takes its books ("n20335"), or "province" (the 2025 Sở Tư pháp). */
  districts: Readonly<Record<string, string>>;
  /** Districts not listed: a manager chooses per book (`ask`), or the 2025 Sở Tư pháp takes them. */
  districtDefault: 'ask' | 'province';
  /** People of an abolished district keep reading (never acting on) the books registered there. */
  abolishedDistrictRead: boolean;
}
export const NO_SETTINGS: SuccessionSettings = { districts: {}, districtDefault: 'ask', abolishedDistrictRead: false };

/** A legacy province as its data file holds it (domain/data/units/legacy/{code}.json, scripts/units/extract.py). */
export interface LegacyProvinceData {
  code: string;
  /** With its kind: "Tỉnh Quảng Nam". */
  name: string;
  /** The 2025 province it became part of. */
  successor: string;
  districts: Array<[code: string, name: string] | [code: string, name: string, extra: { to?: string; mergedInto?: string; basis?: string }]>;
  communes: Array<[code: string, name: string, districtCode: string, to: string | { default: string | null; all: string[] }]>;
}

/** A 2025 province as its data file holds it (domain/data/units/2025/{code}.json). */
export interface Province2025Data {
  code: string;
  name: string;
  predecessors: string[];
  communes: Array<[code: string, name: string]>;
}

const KINDS = ['Thành phố', 'Thị xã', 'Thị trấn', 'Tỉnh', 'Huyện', 'Quận', 'Phường', 'Xã', 'Đặc khu'];
/** "Thành phố Tam Kỳ" → "thành phố Tam Kỳ", as the kind reads inside an agency's name. */
export function lowerKind(name: string): string {
  const kind = KINDS.find((k) => name.startsWith(`${k} `));
  return kind ? kind.toLowerCase() + name.slice(kind.length) : name;
}
const shortName = (name: string) => name.replace(/^(Tỉnh|Thành phố) /, '');

export const key2025 = (code: string) => `n${code}`;
export const isKey2025 = (key: string) => key.startsWith('n');

/** A legacy agency as the holder of its own books: its key is its code; its district and province cover it. */
export function legacyCustodian(a: Agency): Custodian {
  return { key: a.code, name: a.name, level: a.level, era: 'legacy', scopes: [a.code, `d:${a.districtCode}`, `p:${a.provinceCode}`] };
}

function custodian2025(provinceCode: string, code: string, name: string, level: 'province' | 'commune'): Custodian {
  const key = key2025(code);
  return { key, name, level, era: '2025', scopes: level === 'province' ? [key, `p:${key}`] : [key, `p:${key2025(provinceCode)}`] };
}

/** The units of one legacy province and of the 2025 province it became part of, with the province's settings. */
export function unitsFromData(
  legacy: LegacyProvinceData,
  p2025: Province2025Data,
  settings: SuccessionSettings = NO_SETTINGS,
  elsewhere: (code: string) => string | undefined = () => undefined,
): Units {
  const P = legacy.code;
  const districtRows = legacy.districts.map(([code, name, extra]) => ({ code, name, ...extra }));
  const agencies: Agency[] = [
    { code: P, name: `Sở Tư pháp ${lowerKind(legacy.name)}`, level: 'province', districtCode: P, provinceCode: P },
    ...districtRows.map((d) => ({ code: d.code, name: `Phòng Tư pháp ${lowerKind(d.name)}`, level: 'district' as const, districtCode: d.code, provinceCode: P })),
    ...legacy.communes.map(([code, name, districtCode]) => ({ code, name: `UBND ${lowerKind(name)}`, level: 'commune' as const, districtCode, provinceCode: P })),
  ];
  const province2025 = custodian2025(p2025.code, p2025.code, `Sở Tư pháp ${lowerKind(p2025.name)}`, 'province');
  const custodians = [
    ...agencies.map(legacyCustodian),
    province2025,
    ...p2025.communes.map(([code, name]) => custodian2025(p2025.code, code, `UBND ${lowerKind(name)}`, 'commune')),
  ];
  const byKey = new Map(custodians.map((c) => [c.key, c]));
  const agencyByCode = new Map(agencies.map((a) => [a.code, a]));
  const districtByCode = new Map(districtRows.map((d) => [d.code, d]));
  const communeTo = new Map(legacy.communes.map(([code, , , to]) => [code, to]));
  const predecessors = new Map<string, string[]>();
  const addPredecessor = (code2025: string, legacyCode: string) => predecessors.set(key2025(code2025), [...(predecessors.get(key2025(code2025)) ?? []), legacyCode]);
  for (const [code, , , to] of legacy.communes) for (const c of typeof to === 'string' ? [to] : to.all) addPredecessor(c, code);
  for (const d of districtRows) if (d.to) addPredecessor(d.to, d.code);
  const unit = (code2025: string) => byKey.get(key2025(code2025));

  /** A district's books: the province's choice (for a merged district, its own or the absorbing one's), the data's, or a manager's. */
  function districtSuccession(code: string): Succession {
    const d = districtByCode.get(code)!;
    const chosen = settings.districts[code] ?? (d.mergedInto ? settings.districts[d.mergedInto] : undefined);
    if (chosen) {
      const to = chosen === 'province' ? province2025 : byKey.get(chosen);
      if (to) return { kind: 'to', to, why: `tỉnh quy định sổ của ${d.name} giao cho ${to.name}` };
    }
    const island = d.to ? unit(d.to) : undefined;
    if (island) return { kind: 'to', to: island, why: `${d.name} trở thành ${island.name.replace(/^UBND /, '')}` };
    if (settings.districtDefault === 'province') return { kind: 'to', to: province2025, why: `tỉnh quy định sổ cấp huyện giao cho ${province2025.name}` };
    const seats = custodians.filter((c) => c.era === '2025' && c.level === 'commune' && (predecessors.get(c.key) ?? []).some((p) => agencyByCode.get(p)?.districtCode === code));
    return { kind: 'ask', candidates: [province2025, ...seats], why: `cấp huyện không còn từ 1/7/2025 và tỉnh chưa quy định đơn vị nhận sổ của ${d.name}` };
  }

  function successionOf(key: string): Succession {
    if (isKey2025(key)) return { kind: 'final', why: 'đơn vị sau sắp xếp 2025' };
    const a = agencyByCode.get(key);
    if (!a) return { kind: 'ask', candidates: [], why: `không có đơn vị ${key} trong danh mục` };
    if (a.level === 'province') return { kind: 'to', to: province2025, why: `${shortName(legacy.name)} nhập vào ${p2025.name}` };
    if (a.level === 'district') return districtSuccession(a.code);
    const to = communeTo.get(a.code)!;
    if (typeof to === 'string') return { kind: 'to', to: unit(to)!, why: `${a.name} nay thuộc ${unit(to)!.name}` };
    const candidates = to.all.map((c) => unit(c)!);
    const names = candidates.map((c) => c.name).join(', ');
    if (to.default) {
      const alternatives = candidates.filter((c) => c.key !== key2025(to.default!));
      return { kind: 'to', to: unit(to.default)!, alternatives, why: `${a.name} được chia cho ${names}; dữ liệu sắp xếp nêu ${unit(to.default)!.name} là đơn vị nhận mặc định` };
    }
    return { kind: 'ask', candidates, why: `${a.name} được chia cho ${names}; dữ liệu không nêu đơn vị nhận mặc định` };
  }

  return {
    provinceCode: P,
    provinceName: shortName(legacy.name),
    districts: districtRows.map((d) => ({ code: d.code, name: d.name })),
    agencies,
    findAgency: (code) => agencyByCode.get(code),
    districtName: (code) => (code === P ? 'Cấp tỉnh' : (districtByCode.get(code)?.name ?? code)),
    province2025: { key: province2025.key, code: p2025.code, name: p2025.name },
    custodians,
    findCustodian: (key) => byKey.get(key),
    successionOf,
    predecessorsOf: (key) => (key === province2025.key ? agencies.map((a) => a.code) : (predecessors.get(key) ?? [])),
    provincesMergedInto: (code) => (code === p2025.code ? p2025.predecessors : []),
    settings,
    elsewhere,
  };
}
