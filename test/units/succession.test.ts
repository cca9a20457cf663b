import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyProvince, loadUnits, province2025 } from '../../clients/units';
import type { Actor } from '../../domain/actors';
import { applyAction, checkAction, initialState, type BookState } from '../../domain/bookState';
import { bookAccess, holderOf, planHandover, reachOf, withinOf } from '../../domain/custody';
import { memoOf } from '../../domain/memo';
import { planSettingsSchema } from '../../domain/settings';
import { legacyCustodian, NO_SETTINGS, unitsFromData, type LegacyProvinceData, type Units } from '../../domain/units';
import { book } from '../support/fixtures';

/** Quảng Nam without the province's settings (config/provinces/49.json). */
const QN = unitsFromData(legacyProvince('49'), province2025('48'));
/** Quảng Nam as the demo configures it: Tam Kỳ's district books to Phường Tam Kỳ, abolished districts keep reading. */
const QN_DEMO = loadUnits({ SOHOA_PROVINCE: '49' });
const DN = loadUnits({ SOHOA_PROVINCE: '48', SOHOA_SUCCESSION_FILE: undefined });

const person = (userId: string, role: Actor['role'], scope: Actor['scope'], agencyCode: string, units: Units = QN_DEMO): Actor => {
  const a: Actor = { userId, role, scope, agencyCode };
  const within = withinOf(units, a);
  return within ? { ...a, within } : a;
};

describe('succession: where each unit’s books go in 2025', () => {
  it('a commune goes to the commune it merged into; the Sở Tư pháp to the 2025 province’s', () => {
    expect(QN.successionOf('20335')).toMatchObject({ kind: 'to', to: { key: 'n20335', name: 'UBND phường Bàn Thạch', era: '2025', scopes: ['n20335', 'p:n48'] } });
    expect(QN.successionOf('20362')).toMatchObject({ kind: 'to', to: { key: 'n20335' } });
    expect(QN.successionOf('49')).toMatchObject({ kind: 'to', to: { key: 'n48', name: 'Sở Tư pháp thành phố Đà Nẵng', level: 'province' } });
    expect(QN.successionOf('n20335')).toMatchObject({ kind: 'final' });
    expect(QN.predecessorsOf('n20335')).toEqual(['20335', '20362', '20375']);
  });

  it('a split commune sends its books to the successor the data names, with the others as alternatives', () => {
    // Xã Hòa Liên (Hòa Vang, Đà Nẵng) was split between Phường Hải Vân and Phường Liên Chiểu.
    const s = DN.successionOf('20296');
    expect(s).toMatchObject({ kind: 'to', to: { key: 'n20197', name: 'UBND phường Liên Chiểu' }, alternatives: [{ key: 'n20194', name: 'UBND phường Hải Vân' }] });
    expect(s.why).toMatch(/được chia cho .*Hải Vân.*Liên Chiểu/);
    // Both successors read the split commune's books until they are handed over.
    expect(DN.predecessorsOf('n20194')).toContain('20296');
    expect(DN.predecessorsOf('n20197')).toContain('20296');
  });

  it('a split commune without a default asks a manager, listing the candidates', () => {
    const data = legacyProvince('48');
    const edited: LegacyProvinceData = {
      ...data,
      communes: data.communes.map((c) => (c[0] === '20296' ? [c[0], c[1], c[2], { default: null, all: ['20194', '20197'] }] : c)),
    };
    const units = unitsFromData(edited, province2025('48'));
    const s = units.successionOf('20296');
    expect(s).toMatchObject({ kind: 'ask', candidates: [{ key: 'n20194' }, { key: 'n20197' }] });
    expect(s.why).toMatch(/không nêu đơn vị nhận mặc định/);
    const plan = planHandover(units, legacyCustodian(units.findAgency('20296')!), 'successor', 'bàn giao');
    expect(plan).toMatchObject({ kind: 'ask', candidates: [{ key: 'n20194' }, { key: 'n20197' }] });
    expect(plan.kind === 'ask' && plan.message).toMatch(/quản lý chọn đơn vị nhận.*n20194 UBND phường Hải Vân; n20197 UBND phường Liên Chiểu/);
    // The manager's choice goes through.
    expect(planHandover(units, legacyCustodian(units.findAgency('20296')!), 'n20194', 'theo ranh giới thôn')).toMatchObject({ kind: 'send', to: { key: 'n20194' }, reason: 'theo ranh giới thôn' });
  });

  it('district books: the province’s choice, else a manager’s among the province and the district’s communes', () => {
    expect(QN_DEMO.successionOf('502')).toMatchObject({ kind: 'to', to: { key: 'n20341', name: 'UBND phường Tam Kỳ' } });
    const ask = QN_DEMO.successionOf('504');
    expect(ask.kind).toBe('ask');
    expect(ask.kind === 'ask' && ask.candidates[0]!.key).toBe('n48');
    expect(ask.kind === 'ask' && ask.candidates.every((c) => c.era === '2025')).toBe(true);
    expect(ask.why).toMatch(/tỉnh chưa quy định đơn vị nhận sổ của Huyện Tây Giang/);
    // Without settings, no district has a successor; with districtDefault "province" every one goes to the Sở.
    expect(QN.successionOf('502').kind).toBe('ask');
    const toProvince = unitsFromData(legacyProvince('49'), province2025('48'), { ...NO_SETTINGS, districtDefault: 'province' });
    expect(toProvince.successionOf('510')).toMatchObject({ kind: 'to', to: { key: 'n48' } });
    // A district that became a special zone goes there (data), and a merged one follows the district that absorbed it.
    expect(DN.successionOf('498')).toMatchObject({ kind: 'to', to: { key: 'n20333', name: 'UBND đặc khu Hoàng Sa' } });
    const merged = unitsFromData(legacyProvince('49'), province2025('48'), { ...NO_SETTINGS, districts: { '509': 'n20641' } });
    expect(merged.successionOf('519')).toMatchObject({ kind: 'to', to: { key: 'n20641', name: 'UBND xã Quế Sơn' } });
  });

  it('the province’s settings file is checked at start, naming the variable and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sohoa-succession-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(file, JSON.stringify({ province: '49', districts: { '502': '20341' } }));
      expect(() => loadUnits({ SOHOA_PROVINCE: '49', SOHOA_SUCCESSION_FILE: file })).toThrow(/SOHOA_SUCCESSION_FILE .*districts\.502: "20341" không phải đơn vị sau 1\/7\/2025/);
      await writeFile(file, JSON.stringify({ province: '58' }));
      expect(() => loadUnits({ SOHOA_PROVINCE: '49', SOHOA_SUCCESSION_FILE: file })).toThrow(/province: tệp dành cho tỉnh 58/);
      expect(() => loadUnits({ SOHOA_PROVINCE: '99', SOHOA_SUCCESSION_FILE: undefined })).toThrow(/SOHOA_PROVINCE: không có tỉnh mã 99/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('jurisdiction follows the holder (pure): old and new units × books before and after a handover', () => {
  const commune = book({ agencyCode: '20335' });
  const district = book({ agencyCode: '502', bookNo: '02' });
  const fresh = (b = commune): BookState => initialState(b, planSettingsSchema.parse({ deadline: '2099-01-01T00:00:00+07:00' }), '2025-06-01T00:00:00.000Z');
  const manager = person('quanly.tinh', 'manager', 'province', '49');
  const manager2025 = person('quanly.danang', 'manager', 'province', 'n48');
  const handedTo = (s: BookState, to: string) => {
    const plan = planHandover(QN_DEMO, holderOf(s), to, 'Bàn giao theo sắp xếp 2025');
    if (plan.kind !== 'send') throw new Error(plan.kind);
    expect(checkAction(s, 'changeCustodian', manager, { to: plan.to, reason: plan.reason })).toBeUndefined();
    applyAction(s, { action: 'changeCustodian', payload: { to: plan.to, reason: plan.reason } }, manager, '2025-07-01T00:00:00.000Z');
    return s;
  };

  const PEOPLE = {
    communeClerk: person('congchuc.tanthanh', 'clerk', 'agency', '20335'),
    otherCommuneClerk: person('congchuc.minhan', 'clerk', 'agency', '20398'),
    districtClerk: person('congchuc.tamky', 'clerk', 'district', '502'),
    provinceManager: manager,
    province2025Manager: manager2025,
    newCommuneClerk: person('congchuc.banthach', 'clerk', 'agency', 'n20335'),
    otherNewCommuneClerk: person('congchuc.tamky2025', 'clerk', 'agency', 'n20341'),
  };
  const matrix = (s: BookState) =>
    Object.fromEntries(
      Object.entries(PEOPLE).map(([name, a]) => {
        const access = bookAccess(reachOf(QN_DEMO, a), holderOf(s), s.book.agency);
        const acts = checkAction(s, 'addNote', a, { text: 'ghi chú' }) === undefined;
        expect(acts, `${name}: the workflow's check and the API's agree`).toBe(access.act);
        return [name, access.act ? 'act' : access.see ? 'see' : '-'];
      }),
    );

  it('a commune book before its handover: its commune, district and province act; its 2025 commune reads', () => {
    expect(matrix(fresh())).toEqual({
      communeClerk: 'act',
      otherCommuneClerk: '-',
      districtClerk: 'act',
      provinceManager: 'act',
      province2025Manager: 'act',
      newCommuneClerk: 'see',
      otherNewCommuneClerk: '-',
    });
  });

  it('after its handover: the 2025 commune acts, the old commune loses it, the abolished district reads it when the province grants it', () => {
    const s = handedTo(fresh(), 'successor');
    expect(s.custodian).toMatchObject({ key: 'n20335', name: 'UBND phường Bàn Thạch' });
    expect(s.handovers).toEqual([
      expect.objectContaining({ userId: 'quanly.tinh', from: { key: '20335', name: 'UBND phường Tân Thạnh' }, to: { key: 'n20335', name: 'UBND phường Bàn Thạch' }, reason: expect.stringMatching(/^Bàn giao theo sắp xếp 2025 \(UBND phường Tân Thạnh nay thuộc UBND phường Bàn Thạch\)$/) }),
    ]);
    expect(s.actions.at(-1)).toMatchObject({ action: 'changeCustodian', userId: 'quanly.tinh' });
    expect(memoOf(s).custodian).toEqual({ key: 'n20335', name: 'UBND phường Bàn Thạch' });
    expect(matrix(s)).toEqual({
      communeClerk: '-',
      otherCommuneClerk: '-',
      districtClerk: 'see',
      provinceManager: 'act',
      province2025Manager: 'act',
      newCommuneClerk: 'act',
      otherNewCommuneClerk: '-',
    });
    const noGrant = bookAccess(reachOf(QN, PEOPLE.districtClerk), holderOf(s), s.book.agency);
    expect(noGrant).toEqual({ act: false, see: false });
  });

  it('a district book goes where the province decided; handing it to the same holder again changes nothing', () => {
    const s = handedTo(fresh(district), 'successor');
    expect(holderOf(s)).toMatchObject({ key: 'n20341', name: 'UBND phường Tam Kỳ' });
    expect(checkAction(s, 'changeCustodian', manager, { to: holderOf(s), reason: 'lần nữa' })).toMatchObject({ code: 'NoChange' });
    expect(matrix(s)).toMatchObject({ districtClerk: 'see', otherNewCommuneClerk: 'act', newCommuneClerk: '-' });
  });

  it('only a province’s managers hand books over', () => {
    const s = fresh();
    const to = QN.findCustodian('n20335')!;
    const districtManager = person('quanly.tamky', 'manager', 'district', '502');
    expect(checkAction(s, 'changeCustodian', districtManager, { to, reason: 'bàn giao' })).toMatchObject({ code: 'Forbidden', message: expect.stringMatching(/chỉ quản lý cấp tỉnh/) });
    expect(checkAction(s, 'changeCustodian', PEOPLE.communeClerk, { to, reason: 'bàn giao' })).toMatchObject({ code: 'Forbidden' });
    expect(checkAction(s, 'changeCustodian', manager2025, { to, reason: 'bàn giao' })).toBeUndefined();
    expect(checkAction(s, 'changeCustodian', manager, { to, reason: 'x' })).toMatchObject({ code: 'InvalidPayload' });
  });
});
