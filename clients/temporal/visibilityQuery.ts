import type { Actor } from '../../domain/actors';
import { reachOf } from '../../domain/custody';
import type { Units } from '../../domain/units';
import { WORKFLOW_TYPE } from '../../workflows/definitions';
import { SA } from '../../workflows/definitions';
import type { BookFilter } from '../../contracts/v1/filters';

/**
 * Visibility queries from validated filters. Values were already checked against strict patterns
 * (digits, enum names); they are also escaped here, so no value can close its quotes.
 */
export function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function inList(attr: string, values: readonly string[]): string {
  if (values.length === 1) return `${attr} = ${quote(values[0]!)}`;
  return `${attr} IN (${values.map(quote).join(', ')})`;
}

/**
 * Books never handed over, held by the agency that registered them, as the keys reach them: a unit by
 * its code, a district by its code, a province as the set of its districts (and its own Sở Tư pháp).
 * Keys of 2025 units reach none of them (they hold books only by a handover).
 */
function registeredBy(units: Units, keys: readonly string[]): string | undefined {
  const agencies = keys.filter((k) => /^\d+$/.test(k));
  const districts = keys.filter((k) => k.startsWith('d:')).map((k) => k.slice(2));
  for (const k of keys) {
    if (k === `p:${units.provinceCode}`) districts.push(...units.agencies.map((a) => a.districtCode));
  }
  const parts = [agencies.length && inList(SA.agency.name, agencies), districts.length && inList(SA.district.name, [...new Set(districts)])].filter((p): p is string => !!p);
  return parts.length ? parts.join(' OR ') : undefined;
}

/**
 * Only the books the caller reaches: those whose holder its keys cover (SohoaCustody after a handover,
 * the registering agency before), and the books registered in a district it may still read.
 */
export function jurisdictionClause(units: Units, actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>): string {
  const reach = reachOf(units, actor);
  const before = registeredBy(units, reach.see);
  const parts = [
    inList(SA.custody.name, reach.see),
    ...(before ? [`(${SA.custody.name} IS NULL AND (${before}))`] : []),
    ...(reach.registeredIn.length ? [inList(SA.district.name, reach.registeredIn)] : []),
  ];
  return `(${parts.join(' OR ')})`;
}

/** Books held by these units: after a handover by SohoaCustody, before it by the registering agency. */
function heldBy(keys: readonly string[]): string {
  const legacy = keys.filter((k) => /^\d+$/.test(k));
  const held = inList(SA.custody.name, keys);
  return legacy.length ? `(${held} OR (${SA.custody.name} IS NULL AND ${inList(SA.agency.name, legacy)}))` : held;
}

/** Books of the workflow type, without the closed runs that continue-as-new leaves behind. */
export const BASE_CLAUSES = [`WorkflowType = ${quote(WORKFLOW_TYPE)}`, `ExecutionStatus != "ContinuedAsNew"`];

export function buildQuery(units: Units, actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>, f: Partial<BookFilter> = {}): string {
  const clauses = [...BASE_CLAUSES, jurisdictionClause(units, actor)];
  if (f.district) clauses.push(inList(SA.district.name, f.district));
  if (f.agency) clauses.push(inList(SA.agency.name, f.agency));
  if (f.custodian) clauses.push(heldBy(f.custodian));
  if (f.level) clauses.push(inList(SA.level.name, f.level));
  if (f.type) clauses.push(inList(SA.registerType.name, f.type));
  if (f.period) clauses.push(inList(SA.period.name, f.period));
  if (f.step) clauses.push(inList(SA.step.name, f.step));
  if (f.overdue !== undefined) clauses.push(`${SA.overdue.name} = ${f.overdue}`);
  if (f.awaitingHuman !== undefined) clauses.push(`${SA.awaitingHuman.name} = ${f.awaitingHuman}`);
  if (f.failing !== undefined) clauses.push(f.failing ? `${SA.failing.name} = true` : `(${SA.failing.name} IS NULL OR ${SA.failing.name} = false)`);
  if (f.status === 'running') clauses.push(`ExecutionStatus = "Running"`);
  if (f.status === 'closed') clauses.push(`ExecutionStatus != "Running"`);
  return clauses.join(' AND ');
}
