import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { unitKeySchema } from '../contracts/v1/values';
import { unitsFromData, type LegacyProvinceData, type Province2025Data, type SuccessionSettings, type Units } from '../domain/units';
import { loadConfig, type Config } from './config';
import { ROOT } from './paths';

/**
 * The one place a deployment's units are chosen: the legacy province `SOHOA_PROVINCE` (default 49,
 * Quảng Nam) from domain/data/units (extracted by scripts/units/update.sh from a pinned public
 * dataset), the 2025 province it became part of, and the province's own settings for what the data
 * cannot say (`SOHOA_SUCCESSION_FILE`, default config/provinces/{code}.json when there is one).
 * Everything else receives the units.
 */
export const UNITS_DIR = join(ROOT, 'domain/data/units');
const PROVINCE_SETTINGS_DIR = join(ROOT, 'config/provinces');

/** index.json: where the data came from, its counts, every province of both eras. */
export interface UnitsIndex {
  extractedAt: string;
  source: { package: string; version: string; url: string; license: string; dataset: string; supplement: string; crosscheck: string };
  counts: { legacyProvinces: number; legacyDistricts: number; legacyCommunes: number; provinces2025: number; communes2025: number };
  legacy: Array<[code: string, name: string, successor: string, districts: number, communes: number]>;
  '2025': Array<[code: string, name: string, predecessors: string[], communes: number]>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
export const unitsIndex = (): UnitsIndex => readJson(join(UNITS_DIR, 'index.json'));
export const legacyProvince = (code: string): LegacyProvinceData => readJson(join(UNITS_DIR, 'legacy', `${code}.json`));
export const province2025 = (code: string): Province2025Data => readJson(join(UNITS_DIR, '2025', `${code}.json`));

/** The province's settings file: district books' successors, and whether abolished districts keep reading. */
export const successionFileSchema = z.object({
  province: z.string().regex(/^\d{2}$/, 'mã tỉnh 2 chữ số'),
  note: z.string().optional(),
  districts: z.record(z.string().regex(/^\d{3}$/, 'mã huyện 3 chữ số'), z.union([z.literal('province'), unitKeySchema])).default({}),
  districtDefault: z.enum(['ask', 'province']).default('ask'),
  abolishedDistrictRead: z.boolean().default(false),
});

function settingsFile(c: Pick<Config, 'SOHOA_PROVINCE' | 'SOHOA_SUCCESSION_FILE'>): string | undefined {
  if (c.SOHOA_SUCCESSION_FILE) return c.SOHOA_SUCCESSION_FILE;
  const standard = join(PROVINCE_SETTINGS_DIR, `${c.SOHOA_PROVINCE}.json`);
  return existsSync(standard) ? standard : undefined;
}

/** Reads and checks the settings against the units; a bad file stops the start with a message naming it. */
function loadSettings(file: string, province: string, check: Units): SuccessionSettings {
  const where = `SOHOA_SUCCESSION_FILE (${file})`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${where}: không đọc được: ${(e as Error).message}`);
  }
  const r = successionFileSchema.safeParse(raw);
  if (!r.success) throw new Error(`${where}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (r.data.province !== province) throw new Error(`${where}: province: tệp dành cho tỉnh ${r.data.province}, hệ thống phục vụ tỉnh ${province} (SOHOA_PROVINCE)`);
  for (const [district, to] of Object.entries(r.data.districts)) {
    if (!check.districts.some((d) => d.code === district)) throw new Error(`${where}: districts.${district}: không có huyện này trong tỉnh ${province}`);
    const unit = to === 'province' ? undefined : check.findCustodian(to);
    if (to !== 'province' && unit?.era !== '2025') throw new Error(`${where}: districts.${district}: "${to}" không phải đơn vị sau 1/7/2025 của ${check.province2025.name} (viết n + mã, ví dụ n20335)`);
  }
  return { districts: r.data.districts, districtDefault: r.data.districtDefault, abolishedDistrictRead: r.data.abolishedDistrictRead };
}

/** Every legacy unit of the country by code, read once when first asked (messages about other provinces). */
let country: Map<string, string> | undefined;
export function describeLegacyCode(code: string): string | undefined {
  if (!country) {
    country = new Map();
    for (const [p, pName] of unitsIndex().legacy) {
      const data = legacyProvince(p);
      const districts = new Map(data.districts.map(([c, n]) => [c, n]));
      country.set(p, pName);
      for (const [c, n] of districts) country.set(c, `${n}, ${pName}`);
      for (const [c, n, d] of data.communes) country.set(c, `${n}, ${districts.get(d)}, ${pName}`);
    }
  }
  return country.get(code);
}

export function loadUnits(c: Pick<Config, 'SOHOA_PROVINCE' | 'SOHOA_SUCCESSION_FILE'> = loadConfig(process.env)): Units {
  const known = unitsIndex().legacy.find(([code]) => code === c.SOHOA_PROVINCE);
  if (!known) throw new Error(`SOHOA_PROVINCE: không có tỉnh mã ${c.SOHOA_PROVINCE} trong danh mục 63 tỉnh trước 1/7/2025 (domain/data/units/index.json)`);
  const legacy = legacyProvince(c.SOHOA_PROVINCE);
  const p2025 = province2025(legacy.successor);
  const file = settingsFile(c);
  const settings = file ? loadSettings(file, c.SOHOA_PROVINCE, unitsFromData(legacy, p2025)) : undefined;
  return unitsFromData(legacy, p2025, settings, describeLegacyCode);
}
