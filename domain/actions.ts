import { ACCEPTANCE_REVIEW_ROLES, actionNames, actionSpecs, type ActionName } from '../contracts/v1/commands';
import { type Role, type Step } from '../contracts/v1/values';

export { actionNames, actionNameSchema, actionPayloads, actionRequestSchema, type ActionName, type ActionPayload, type ActionRequest, type Command } from '../contracts/v1/commands';
export { sha256Schema, storageKeySchema } from '../contracts/v1/values';

export const ACTION_LABELS_VI = Object.fromEntries(actionNames.map((a) => [a, actionSpecs[a].label])) as Record<ActionName, string>;

/** Who may take an action at a step (admin may take any; auditors none). */
export function rolesFor(action: ActionName, step: Step): readonly Role[] {
  const spec = actionSpecs[action];
  return spec.when === 'review' && step === 'acceptance' ? ACCEPTANCE_REVIEW_ROLES : spec.roles;
}

export function roleMayAct(role: Role, action: ActionName, step: Step): boolean {
  return role === 'admin' || rolesFor(action, step).includes(role);
}

/** The step a work action belongs to; review and management actions are not tied to one. */
export const WORK_ACTION_STEP: Partial<Record<ActionName, Step>> = Object.fromEntries(
  actionNames.flatMap((a) => {
    const when = actionSpecs[a].when;
    return typeof when === 'object' ? [[a, when.step]] : [];
  }),
);
/** Actions a book takes whenever it is open. */
export const MANAGEMENT_ACTIONS: readonly ActionName[] = actionNames.filter((a) => actionSpecs[a].when === 'open');
