import type { z } from 'zod';
import type { ActionName, Command } from '../../contracts/v1/commands';
import type { RefusalCode } from '../../contracts/v1/errors';
import type { Actor } from '../../contracts/v1/values';
import { actionPayloads, MANAGEMENT_ACTIONS, roleMayAct, WORK_ACTION_STEP } from '../actions';
import { actorHolds, handoverRefusal, holderOf } from '../custody';
import { artifactKeys } from '../naming';
import { STEP_LABELS_VI } from '../plan';
import { C06_FLAGGED, isClosed, type BookState } from './types';

/** Why an action is refused; the API maps `code` to its HTTP status (contracts' ERRORS). */
export interface Refusal {
  code: RefusalCode;
  message: string;
  details?: unknown;
}

/** The actions a person can take now, whoever they are. */
export function pendingActions(s: BookState): ActionName[] {
  if (isClosed(s)) return [];
  const out: ActionName[] = [];
  if (s.phase === 'work') {
    // Only a C06 delivery with doubtful rows waits for the clerk's decision on them.
    const flagged = s.problems.some((p) => p.step === s.step && p.code === C06_FLAGGED);
    for (const [a, step] of Object.entries(WORK_ACTION_STEP)) if (step === s.step && (flagged || a !== 'c06RowsConfirmed')) out.push(a as ActionName);
  }
  if (s.phase === 'review') out.push('approve', 'reject');
  return [...out, ...MANAGEMENT_ACTIONS];
}

export const awaitingHuman = (s: BookState) => s.phase === 'work' || s.phase === 'review';

/** Parses a payload into its command, turning zod issues into a message that names each field. */
export function parseCommand(action: ActionName, payload: unknown): { ok: true; command: Command } | { ok: false; refusal: Refusal } {
  const r = actionPayloads[action].safeParse(payload ?? {});
  // The schema is the action's own: the pair is that action's command.
  if (r.success) return { ok: true, command: { action, payload: r.data } as Command };
  return { ok: false, refusal: { code: 'InvalidPayload', message: describeIssues(r.error), details: r.error.issues } };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(gốc)'}: ${i.message}`).join('; ');
}

/** An idempotency key this book already applied (kept with its last actions, carried across runs). */
export function alreadyApplied(s: BookState, action: ActionName, idempotencyKey: string | undefined): Refusal | undefined {
  if (!idempotencyKey || !s.actions.some((a) => a.action === action && a.idempotencyKey === idempotencyKey)) return undefined;
  return { code: 'NoChange', message: `thao tác "${action}" với khóa ${idempotencyKey} đã được thực hiện` };
}

/**
 * Checks an action against the book's state, the actor's role and jurisdiction, and the payload:
 * the same check serves the API (before sending) and the workflow's update validator.
 */
export function checkAction(s: BookState, action: ActionName, actor: Actor, payload: unknown): Refusal | undefined {
  if (!roleMayAct(actor.role, action, s.step)) {
    return { code: 'Forbidden', message: `vai trò ${actor.role} không được thực hiện "${action}" ở bước ${STEP_LABELS_VI[s.step]}` };
  }
  const notHandover = action === 'changeCustodian' ? handoverRefusal(actor) : undefined;
  if (notHandover) return { code: 'Forbidden', message: notHandover };
  const holder = holderOf(s);
  if (!actorHolds(actor, holder)) {
    return { code: 'Forbidden', message: `sổ do ${holder.name} (${holder.key}) giữ, ngoài phạm vi của người dùng ${actor.userId}` };
  }
  if (isClosed(s)) return { code: 'WrongStep', message: `sổ đã ${s.step === 'done' ? 'hoàn thành' : 'rút khỏi kế hoạch'}` };
  if (!pendingActions(s).includes(action)) {
    return {
      code: 'WrongStep',
      message: `sổ đang ở bước ${STEP_LABELS_VI[s.step]} (${s.phase === 'processing' ? 'đang xử lý tự động' : s.phase === 'review' ? 'chờ duyệt' : 'chờ thực hiện'}); không thể "${action}"`,
    };
  }
  const parsed = parseCommand(action, payload);
  if (!parsed.ok) return parsed.refusal;
  return checkAgainstState(s, parsed.command);
}

/** A storage key sent by a client must be one of this book's own, so no book reads another's files. */
function ownKey(field: string, key: string | undefined, under: string): Refusal | undefined {
  if (key === undefined || key.startsWith(`${under}/`)) return undefined;
  return { code: 'InvalidPayload', message: `${field}: khóa "${key}" không thuộc sổ này (phải nằm trong ${under}/)` };
}

function checkAgainstState(s: BookState, c: Command): Refusal | undefined {
  const keys = artifactKeys(s.book);
  switch (c.action) {
    case 'scansUploaded':
      return ownKey('uploadPrefix', c.payload.uploadPrefix, keys.uploads);
    case 'excelUploaded':
      return ownKey('excelKey', c.payload.excelKey, keys.prefix);
    case 'c06Received': {
      // The same batch again while its doubtful rows wait for the clerk changes nothing (the decision is the clerk's).
      const waiting = s.problems.some((p) => p.step === s.step && p.code === C06_FLAGGED);
      if (waiting && s.artifacts.some((a) => a.kind === 'c06Batch' && a.key === c.payload.batchRef)) {
        return { code: 'NoChange', message: 'lô C06 này đã nhận; các dòng nghi vấn đang chờ công chức xác nhận hoặc một lô đã sửa' };
      }
      return ownKey('rowsKey', c.payload.rowsKey, keys.prefix);
    }
    case 'reject': {
      const { backTo } = c.payload;
      if (backTo === undefined) return undefined;
      const at = s.plan.indexOf(s.step);
      const idx = s.plan.indexOf(backTo);
      if (idx < 0 || idx > at || backTo === 'done') {
        return { code: 'InvalidPayload', message: `backTo: bước "${backTo}" không nằm trước bước hiện tại trong kế hoạch của sổ (${s.plan.join(' → ')})` };
      }
      return undefined;
    }
    case 'manualEntryProgress':
      if (c.payload.entered < (s.counts.manualEntered ?? 0)) {
        return { code: 'InvalidPayload', message: `entered: ${c.payload.entered} nhỏ hơn số đã báo trước (${s.counts.manualEntered})` };
      }
      return undefined;
    case 'extendDeadline': {
      // A book that follows the plan knows only its own extension (the plan's deadline is the API's to add).
      const current = s.followsPlan ? s.extendedDeadline : s.deadline;
      if (current === undefined) return undefined;
      const t = Date.parse(c.payload.deadline);
      if (t === Date.parse(current)) return { code: 'NoChange', message: 'hạn đã là thời điểm này' };
      if (t < Date.parse(current)) return { code: 'InvalidPayload', message: `deadline: hạn mới phải sau hạn hiện tại (${current})` };
      return undefined;
    }
    case 'setPlanDeadline':
      // A book that follows the plan takes the date as its own, even the plan's.
      return !s.followsPlan && Date.parse(c.payload.deadline) === Date.parse(s.planDeadline) ? { code: 'NoChange', message: 'hạn kế hoạch đã là thời điểm này' } : undefined;
    case 'setPriority':
      return c.payload.priority === s.priority ? { code: 'NoChange', message: 'mức ưu tiên không đổi' } : undefined;
    case 'changeCustodian':
      return c.payload.to.key === holderOf(s).key ? { code: 'NoChange', message: `sổ đã do ${c.payload.to.name} giữ` } : undefined;
    case 'confirmInventory':
    case 'c06RowsConfirmed':
    case 'approve':
    case 'importConfirmed':
    case 'withdraw':
    case 'addNote':
      return undefined;
  }
}
