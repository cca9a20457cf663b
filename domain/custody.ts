import type { Actor, Agency, Custodian } from '../contracts/v1/values';
import { isKey2025, key2025, legacyCustodian, type Units } from './units';

/**
 * Who holds a book and who may act on it. A book's holder (custodian) is the agency that registered
 * it until a manager hands it over; jurisdiction follows the holder: a person acts on a book when one
 * of their jurisdiction keys covers the holder. Reading reaches further: a 2025 commune reads the
 * books its predecessors still hold, and the people of an abolished district read the books
 * registered there when the province grants it.
 */

/** The holder of a book: its recorded custodian, or the agency that registered it. */
export function holderOf(s: { book: { agency: Agency }; custodian?: Custodian }): Custodian {
  return s.custodian ?? legacyCustodian(s.book.agency);
}

/** An actor's own jurisdiction key: its unit, "d:" its district, "p:" its province. */
export function actorKey(a: Pick<Actor, 'scope' | 'agencyCode'>): string {
  return a.scope === 'agency' ? a.agencyCode : `${a.scope === 'district' ? 'd' : 'p'}:${a.agencyCode}`;
}

/** The keys an actor acts in: those the API resolved (`within`), or its own. */
export const actingKeys = (a: Pick<Actor, 'scope' | 'agencyCode' | 'within'>): readonly string[] => a.within ?? [actorKey(a)];

/** Does the actor act on books this unit holds? The workflow's own check, without the units' data. */
export function actorHolds(a: Pick<Actor, 'scope' | 'agencyCode' | 'within'>, holder: Pick<Custodian, 'scopes'>): boolean {
  const keys = actingKeys(a);
  return holder.scopes.some((k) => keys.includes(k));
}

/** What an actor reaches: the keys it acts in, the keys it reads, and the districts whose registered books it reads. */
export interface Reach {
  act: string[];
  see: string[];
  registeredIn: string[];
}

/**
 * The keys a province's people act in: a province's Sở Tư pháp merged into its 2025 province's (Quảng
 * Nam's into Đà Nẵng's), so both act on the books of either: the legacy province's and those handed
 * to a 2025 unit. Districts and communes act only on what they hold.
 */
export function withinOf(units: Units, a: Pick<Actor, 'scope' | 'agencyCode'>): string[] | undefined {
  if (a.scope !== 'province') return undefined;
  if (isKey2025(a.agencyCode)) return [actorKey(a), ...units.provincesMergedInto(a.agencyCode.slice(1)).map((p) => `p:${p}`)];
  return a.agencyCode === units.provinceCode ? [actorKey(a), `p:${units.province2025.key}`] : undefined;
}

export function reachOf(units: Units, a: Pick<Actor, 'scope' | 'agencyCode' | 'within'>): Reach {
  const act = [...(withinOf(units, a) ?? actingKeys(a))];
  const predecessors = a.scope === 'agency' && isKey2025(a.agencyCode) ? units.predecessorsOf(a.agencyCode) : [];
  const registeredIn = a.scope === 'district' && !isKey2025(a.agencyCode) && units.settings.abolishedDistrictRead ? [a.agencyCode] : [];
  return { act, see: [...act, ...predecessors], registeredIn };
}

/** May the actor act on / read a book held by `holder` and registered by `agency`? */
export function bookAccess(reach: Reach, holder: Pick<Custodian, 'scopes'>, agency: Pick<Agency, 'districtCode'>): { act: boolean; see: boolean } {
  const act = holder.scopes.some((k) => reach.act.includes(k));
  return { act, see: act || holder.scopes.some((k) => reach.see.includes(k)) || reach.registeredIn.includes(agency.districtCode) };
}

/** Does a jurisdiction (scope and code) name a unit of these units? */
export function jurisdictionExists(units: Units, scope: Actor['scope'], code: string): string | undefined {
  switch (scope) {
    case 'province':
      return code === units.provinceCode || code === units.province2025.key
        ? undefined
        : `mã tỉnh "${code}" không có trong danh mục (tỉnh đang phục vụ: ${units.provinceCode} ${units.provinceName}, từ 1/7/2025 thuộc ${units.province2025.key} ${units.province2025.name})`;
    case 'district':
      return units.districts.some((d) => d.code === code) ? undefined : `mã huyện "${code}" không có trong danh mục`;
    case 'agency':
      if (units.findCustodian(code)) return undefined;
      return `mã đơn vị "${code}" không có trong danh mục${units.findCustodian(key2025(code)) ? ` (đơn vị sau 1/7/2025 viết ${key2025(code)})` : ''}`;
  }
}

/** What a handover of one book comes to: the payload to send, nothing to change, or a manager's choice to make. */
export type HandoverPlan =
  | { kind: 'send'; to: Custodian; reason: string }
  | { kind: 'unchanged'; message: string }
  | { kind: 'ask'; message: string; candidates: Custodian[] }
  | { kind: 'unknown'; message: string };

/**
 * Where one book goes: to the unit named by its key, or (`successor`) to the unit the succession data
 * names for its holder, the data's reason added to the manager's. The unit is always the units' own,
 * with the jurisdiction keys the data gives it.
 */
export function planHandover(units: Units, holder: Custodian, to: string, reason: string): HandoverPlan {
  if (to !== 'successor') {
    const unit = units.findCustodian(to);
    return unit ? { kind: 'send', to: unit, reason } : { kind: 'unknown', message: `không có đơn vị "${to}" trong danh mục của ${units.provinceName} và ${units.province2025.name}` };
  }
  const s = units.successionOf(holder.key);
  switch (s.kind) {
    case 'final':
      return { kind: 'unchanged', message: `sổ đã do ${holder.name} (đơn vị sau sắp xếp 2025) giữ` };
    case 'to':
      return { kind: 'send', to: s.to, reason: `${reason} (${s.why})`.slice(0, 1000) };
    case 'ask': {
      const choices = s.candidates.map((c) => `${c.key} ${c.name}`).join('; ');
      return { kind: 'ask', message: `${s.why}: quản lý chọn đơn vị nhận (to)${choices ? `: ${choices}` : ''}`, candidates: s.candidates };
    }
  }
}
