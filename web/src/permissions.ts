import { MANAGEMENT_ACTIONS, roleMayAct, type ActionName } from '../../domain/actions';
import { actorCovers, type Actor } from '../../domain/actors';
import type { Agency } from '../../domain/agencies';
import type { Step } from '../../domain/plan';

/**
 * The actions this user may take now on a book: the book's pending actions, kept when the role may
 * take them at this step and the book is in the user's jurisdiction (the same rules as the workflow).
 */
export function myActions(me: Actor, pending: readonly string[], step: Step | null | undefined, agency?: Agency | null): ActionName[] {
  if (!step) return [];
  if (agency && !actorCovers(me, agency)) return [];
  return (pending as ActionName[]).filter((a) => roleMayAct(me.role, a, step));
}

/** Actions that move a book forward (not deadline or priority changes): what makes it "wait for" someone. */
export function myWork(me: Actor, pending: readonly string[], step: Step | null | undefined, agency?: Agency | null): ActionName[] {
  return myActions(me, pending, step, agency).filter((a) => !MANAGEMENT_ACTIONS.includes(a));
}

export const hasQueue = (me: Actor) => me.role !== 'auditor';
export const canAudit = (me: Actor) => me.role === 'auditor' || me.role === 'admin' || me.role === 'manager';
export const canBulk = (me: Actor) => me.role === 'manager' || me.role === 'admin';
export const canCreate = (me: Actor) => me.role === 'manager' || me.role === 'clerk' || me.role === 'admin';
/** The stuck-books report is the managers', auditors' and clerks' (GET /api/reports/stuck). */
export const canSeeStuck = (me: Actor) => ['manager', 'auditor', 'clerk', 'admin'].includes(me.role);
