import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeLegacyCode, loadUnits, UNITS_DIR, unitsIndex } from '../../clients/units';
import { ROOT } from '../../clients/paths';

const index = unitsIndex();
const files = (dir: string) => readdirSync(join(UNITS_DIR, dir)).filter((f) => f.endsWith('.json'));

describe('the units dataset (domain/data/units, from scripts/units/update.sh)', () => {
  it('records its source: the pinned package and version, the extraction date, the cross-check', () => {
    const pins = readFileSync(join(ROOT, 'scripts/units/requirements.txt'), 'utf8');
    expect(pins).toContain(`${index.source.package}==${index.source.version} --hash=sha256:`);
    expect(index.source).toMatchObject({ package: 'vietnamadminunits', version: '1.0.4', license: 'MIT' });
    expect(index.extractedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(index.source.crosscheck).toMatch(/^vietnam_provinces 2025\.10\.1: /);
  });

  it('holds every unit of both eras, and stays small', () => {
    expect(index.counts).toEqual({ legacyProvinces: 63, legacyDistricts: 697, legacyCommunes: 10_035, provinces2025: 34, communes2025: 3321 });
    expect(files('legacy')).toHaveLength(63);
    expect(files('2025')).toHaveLength(34);
    const bytes = [...files('legacy').map((f) => `legacy/${f}`), ...files('2025').map((f) => `2025/${f}`), 'index.json', 'crosscheck.json'].reduce(
      (n, f) => n + statSync(join(UNITS_DIR, f)).size,
      0,
    );
    expect(bytes).toBeLessThan(1_000_000);
  });

  it('every name is NFC, trimmed, without double spaces', () => {
    for (const dir of ['legacy', '2025']) {
      for (const f of files(dir)) {
        const text = readFileSync(join(UNITS_DIR, dir, f), 'utf8');
        expect(text, `${dir}/${f}`).toBe(text.normalize('NFC'));
        const names = [...text.matchAll(/"((?:Tỉnh|Thành phố|Quận|Huyện|Thị xã|Phường|Xã|Thị trấn|Đặc khu) [^"]*)"/g)].map((m) => m[1]!);
        expect(names.filter((n) => n !== n.trim() || n.includes('  ')), `${dir}/${f}`).toEqual([]);
      }
    }
  });

  it('every legacy unit of every province is known by code and name, with a 2025 successor', () => {
    let communes = 0;
    for (const [code, name, successor, districts, communeCount] of index.legacy) {
      const units = loadUnits({ SOHOA_PROVINCE: code, SOHOA_SUCCESSION_FILE: undefined });
      expect(units.findAgency(code)?.name).toBe(`Sở Tư pháp ${name.replace(/^Tỉnh/, 'tỉnh').replace(/^Thành phố/, 'thành phố')}`);
      expect(units.districts).toHaveLength(districts);
      const cs = units.agencies.filter((a) => a.level === 'commune');
      expect(cs).toHaveLength(communeCount);
      communes += cs.length;
      expect(units.province2025.code).toBe(successor);
      for (const a of cs) {
        expect(a.name, a.code).toMatch(/^UBND (phường|xã|thị trấn) \S/);
        expect(units.districtName(a.districtCode), a.code).not.toBe(a.districtCode);
        const s = units.successionOf(a.code);
        // The data names a successor for every commune (a split one's default among its candidates).
        expect(s.kind === 'to' && s.to.era === '2025' && s.to.scopes.includes(`p:${units.province2025.key}`), a.code).toBe(true);
      }
      expect(units.successionOf(code)).toMatchObject({ kind: 'to', to: { key: units.province2025.key, level: 'province' } });
    }
    expect(communes).toBe(10_035);
  });

  it('names the reference units as the statistics list does, and units of other provinces in messages', () => {
    const qn = loadUnits({ SOHOA_PROVINCE: '49', SOHOA_SUCCESSION_FILE: undefined });
    expect(qn.provinceName).toBe('Quảng Nam');
    expect(qn.findAgency('20335')).toEqual({ code: '20335', name: 'UBND phường Tân Thạnh', level: 'commune', districtCode: '502', provinceCode: '49' });
    expect(qn.findAgency('502')?.name).toBe('Phòng Tư pháp thành phố Tam Kỳ');
    expect(qn.findAgency('519')?.name).toBe('Phòng Tư pháp huyện Nông Sơn');
    expect(qn.province2025).toEqual({ key: 'n48', code: '48', name: 'Thành phố Đà Nẵng' });
    expect(qn.findCustodian('n48')?.name).toBe('Sở Tư pháp thành phố Đà Nẵng');
    expect(qn.findCustodian('n20335')?.name).toBe('UBND phường Bàn Thạch');
    expect(describeLegacyCode('20194')).toMatch(/, Thành phố Đà Nẵng$/);
    expect(describeLegacyCode('00004')).toBe('Phường Trúc Bạch, Quận Ba Đình, Thành phố Hà Nội');
  });
});
