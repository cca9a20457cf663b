import type { Actor } from '../../domain/actors';
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

/** Only the books of the caller's province, district or agency. */
export function jurisdictionClause(units: Units, actor: Pick<Actor, 'scope' | 'agencyCode'>): string {
  switch (actor.scope) {
    case 'province': {
      // No province attribute: a province is the set of its districts (and its own Sở Tư pháp).
      const districts = [...new Set(units.agencies.filter((a) => a.provinceCode === actor.agencyCode).map((a) => a.districtCode))];
      return districts.length ? inList(SA.district.name, districts) : `${SA.district.name} = ${quote('-')}`;
    }
    case 'district':
      return inList(SA.district.name, [actor.agencyCode]);
    case 'agency':
      return inList(SA.agency.name, [actor.agencyCode]);
  }
}

/** Books of the workflow type, without the closed runs that continue-as-new leaves behind. */
export const BASE_CLAUSES = [`WorkflowType = ${quote(WORKFLOW_TYPE)}`, `ExecutionStatus != "ContinuedAsNew"`];

export function buildQuery(units: Units, actor: Pick<Actor, 'scope' | 'agencyCode'>, f: Partial<BookFilter> = {}): string {
  const clauses = [...BASE_CLAUSES, jurisdictionClause(units, actor)];
  if (f.district) clauses.push(inList(SA.district.name, f.district));
  if (f.agency) clauses.push(inList(SA.agency.name, f.agency));
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
