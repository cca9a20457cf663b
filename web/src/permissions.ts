import type { ActionName, Step } from '../../contracts/v1';
import type { Actor, Reference } from './types';

/** What the permission decision reads of a book: a list line and a status both give it. */
export interface BookWork {
  pendingActions: readonly string[];
  step: Step | null | undefined;
  /** The unit holding the book (its registering agency until a handover). */
  custodianKey: string | null | undefined;
}

/**
 * The actions this user may take now on a book: the book's pending actions that the reference allows
 * the user's role at this step, on a book held by a unit in the user's jurisdiction (the reference lists
 * exactly those). The workflow decides the same again; this only chooses the buttons.
 */
export function myActions(me: Actor, reference: Reference, book: BookWork): ActionName[] {
  const { step, custodianKey } = book;
  if (!step) return [];
  if (custodianKey && !reference.holders.some((h) => h.key === custodianKey)) return [];
  return book.pendingActions.flatMap((id) => {
    const action = reference.actions.find((a) => a.id === id);
    return action?.allowed.some((p) => p.role === me.role && p.steps.includes(step)) ? [action.id] : [];
  });
}

/** Actions that move a book forward (not deadline or priority changes): what makes it "wait for" someone. */
export function myWork(me: Actor, reference: Reference, book: BookWork): ActionName[] {
  return myActions(me, reference, book).filter((id) => !reference.actions.find((a) => a.id === id)?.management);
}

export const hasQueue = (me: Actor) => me.role !== 'auditor';
export const canAudit = (me: Actor) => me.role === 'auditor' || me.role === 'admin' || me.role === 'manager';
export const canBulk = (me: Actor) => me.role === 'manager' || me.role === 'admin';
export const canCreate = (me: Actor) => me.role === 'manager' || me.role === 'clerk' || me.role === 'admin';
/** The stuck-books report is the managers', auditors' and clerks' (GET /api/reports/stuck). */
export const canSeeStuck = (me: Actor) => ['manager', 'auditor', 'clerk', 'admin'].includes(me.role);
/** The schedules panel is the managers' and auditors' (GET /api/schedules); only a province manager drives them. */
export const canSeeSchedules = (me: Actor) => ['manager', 'auditor', 'admin'].includes(me.role);
export const canDriveSchedules = (me: Actor) => me.role === 'admin' || (me.role === 'manager' && me.scope === 'province');
