import type { Actor } from '../../domain/actors';
import { overdueUnderPlan, type PlanNow } from '../../domain/planDeadline';
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
function registeringUnits(units: Units, keys: readonly string[]): { agencies: string[]; districts: string[] } {
  const agencies = keys.filter((k) => /^\d+$/.test(k));
  const districts = keys.filter((k) => k.startsWith('d:')).map((k) => k.slice(2));
  for (const k of keys) {
    if (k === `p:${units.provinceCode}`) districts.push(...units.agencies.map((a) => a.districtCode));
  }
  return { agencies, districts: [...new Set(districts)] };
}

function registeredBy(units: Units, keys: readonly string[]): string | undefined {
  const { agencies, districts } = registeringUnits(units, keys);
  const parts = [agencies.length && inList(SA.agency.name, agencies), districts.length && inList(SA.district.name, districts)].filter((p): p is string => !!p);
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

/**
 * Overdue books: marked by themselves (SohoaOverdue: books with a deadline of their own), or, once the
 * plan's deadline has passed, running books that follow it with no extension still ahead (`overdueUnderPlan`).
 */
export function overdueClause(overdue: boolean, plan: PlanNow | undefined): string {
  if (!plan) throw new Error('the overdue filter needs the province plan (PlanNow)');
  if (plan.nowMs < Date.parse(plan.deadline)) return `${SA.overdue.name} = ${overdue}`;
  const now = quote(new Date(plan.nowMs).toISOString());
  const [from, deadline] = [SA.deadlineFrom.name, SA.deadline.name];
  if (overdue) return `(${SA.overdue.name} = true OR (${from} = "plan" AND ExecutionStatus = "Running" AND (${deadline} IS NULL OR ${deadline} <= ${now})))`;
  return `(${SA.overdue.name} = false AND (${from} IS NULL OR ${from} != "plan" OR ExecutionStatus != "Running" OR ${deadline} > ${now}))`;
}

/** A visibility query for a caller's books under a filter; `plan` counts the overdue books that follow the plan (needed with `overdue`). */
export function buildQuery(units: Units, actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>, f: Partial<BookFilter> = {}, plan?: PlanNow): string {
  const clauses = [...BASE_CLAUSES, jurisdictionClause(units, actor)];
  if (f.district) clauses.push(inList(SA.district.name, f.district));
  if (f.agency) clauses.push(inList(SA.agency.name, f.agency));
  if (f.custodian) clauses.push(heldBy(f.custodian));
  if (f.level) clauses.push(inList(SA.level.name, f.level));
  if (f.type) clauses.push(inList(SA.registerType.name, f.type));
  if (f.period) clauses.push(inList(SA.period.name, f.period));
  if (f.step) clauses.push(inList(SA.step.name, f.step));
  if (f.overdue !== undefined) clauses.push(overdueClause(f.overdue, plan));
  if (f.awaitingHuman !== undefined) clauses.push(`${SA.awaitingHuman.name} = ${f.awaitingHuman}`);
  if (f.failing !== undefined) clauses.push(f.failing ? `${SA.failing.name} = true` : `(${SA.failing.name} IS NULL OR ${SA.failing.name} = false)`);
  if (f.status === 'running') clauses.push(`ExecutionStatus = "Running"`);
  if (f.status === 'closed') clauses.push(`ExecutionStatus != "Running"`);
  return clauses.join(' AND ');
}

/** What the in-memory filter reads of a book: its search attributes as visibility holds them. */
export interface BookAttributes {
  agency: string | null;
  district: string | null;
  level: string | null;
  type: string | null;
  period: string | null;
  step: string | null;
  /** SohoaOverdue: the mark of a book with its own deadline (a book that follows the plan never sets it). */
  overdue: boolean;
  /** SohoaDeadlineFrom is `plan`; its SohoaDeadline (`extendedMs`) is then its extension alone. */
  followsPlan: boolean;
  extendedMs: number | null;
  awaitingHuman: boolean;
  failing: boolean;
  /** SohoaCustody: absent (null) while the registering agency holds the book. */
  custody: string[] | null;
  running: boolean;
}

/**
 * `buildQuery` as a predicate, for the API's read model: the same jurisdiction and filters evaluated on
 * a book's attributes (test/api/readModel.test.ts holds both to the same counts on a live server).
 */
export function bookMatcher(units: Units, actor: Pick<Actor, 'scope' | 'agencyCode' | 'within'>, f: Partial<BookFilter> = {}, plan?: PlanNow): (b: BookAttributes) => boolean {
  if (f.overdue !== undefined && !plan) throw new Error('the overdue filter needs the province plan (PlanNow)');
  const reach = reachOf(units, actor);
  const see = new Set(reach.see);
  const before = registeringUnits(units, reach.see);
  const beforeAgencies = new Set(before.agencies);
  const beforeDistricts = new Set(before.districts);
  const readDistricts = new Set(reach.registeredIn);
  const set = (xs: readonly string[] | undefined) => (xs ? new Set<string | null>(xs) : undefined);
  const [district, agency, level, type, period, step] = [f.district, f.agency, f.level, f.type, f.period, f.step].map(set);
  const held = f.custodian && { keys: new Set(f.custodian), legacy: new Set(f.custodian.filter((k) => /^\d+$/.test(k))) };
  return (b) => {
    const custody = b.custody?.length ? b.custody : null;
    const inReach = custody
      ? custody.some((k) => see.has(k)) || readDistricts.has(b.district ?? '')
      : beforeAgencies.has(b.agency ?? '') || beforeDistricts.has(b.district ?? '') || readDistricts.has(b.district ?? '');
    if (!inReach) return false;
    if (district && !district.has(b.district)) return false;
    if (agency && !agency.has(b.agency)) return false;
    if (held && !(custody ? custody.some((k) => held.keys.has(k)) : held.legacy.has(b.agency ?? ''))) return false;
    if (level && !level.has(b.level)) return false;
    if (type && !type.has(b.type)) return false;
    if (period && !period.has(b.period)) return false;
    if (step && !step.has(b.step)) return false;
    if (f.overdue !== undefined && (b.followsPlan ? b.running && overdueUnderPlan(plan!, b.extendedMs) : b.overdue) !== f.overdue) return false;
    if (f.awaitingHuman !== undefined && b.awaitingHuman !== f.awaitingHuman) return false;
    if (f.failing !== undefined && b.failing !== f.failing) return false;
    if (f.status === 'running' && !b.running) return false;
    if (f.status === 'closed' && b.running) return false;
    return true;
  };
}
