import type { ActionRequest, Command } from '../../contracts/v1/commands';
import type { Actor, ActorStamp, Artifact, Book, Phase, Step } from '../../contracts/v1/values';
import type { PlanSettings } from '../../contracts/v1/workflow';
import { workflowIdFor } from '../book';
import { holderOf } from '../custody';
import { planFor } from '../plan';
import { effectiveDeadline, liftOverdue } from './timers';
import { AUTOMATION_TRIGGER, C06_FLAGGED, type ApplyOptions, type BookState } from './types';

const KEEP_ACTIONS = 200;

export function initialState(book: Book, settings: PlanSettings, now: string, priority = 3): BookState {
  return {
    schemaVersion: 1,
    workflowId: workflowIdFor(book),
    book,
    plan: planFor(book.type, book.agency.level),
    step: 'inventory',
    phase: 'work',
    phaseSince: now,
    startedAt: now,
    updatedAt: now,
    stepTimes: { inventory: { startedAt: now } },
    actions: [],
    reviews: [],
    counts: book.expectedCases === undefined ? {} : { inventoryCases: book.expectedCases },
    artifacts: [],
    problems: [],
    planDeadline: settings.deadline,
    ...(settings.followsPlan && { followsPlan: true }),
    deadline: settings.deadline,
    overdue: false,
    remindersSent: [],
    priority,
    settings: { reminderDays: settings.reminderDays, waitReminderDays: settings.waitReminderDays },
  };
}

const automatedOn = (step: Step, trigger: 'submission' | 'entry', opts: ApplyOptions) =>
  AUTOMATION_TRIGGER[step] === trigger && !!opts.automatic?.has(step);

function stamp(actor: Actor, at: string): ActorStamp {
  return { userId: actor.userId, role: actor.role, agencyCode: actor.agencyCode, at };
}

export function setPhase(s: BookState, phase: Phase, now: string): void {
  if (s.failing) s.failing = null;
  s.phase = phase;
  s.phaseSince = now;
  s.lastWaitReminderAt = undefined;
  s.updatedAt = now;
}

export function enterStep(s: BookState, step: Step, now: string, opts: ApplyOptions = {}): void {
  s.step = step;
  s.stepTimes[step] = { startedAt: now };
  s.problems = s.problems.filter((p) => p.step !== step);
  const phase: Phase =
    step === 'done' || step === 'withdrawn'
      ? 'closed'
      : automatedOn(step, 'entry', opts)
        ? 'processing'
        : step === 'acceptance'
          ? 'review'
          : 'work';
  setPhase(s, phase, now);
}

export function advance(s: BookState, now: string, opts: ApplyOptions = {}): void {
  const times = s.stepTimes[s.step];
  if (times) times.completedAt = now;
  const next = s.plan[s.plan.indexOf(s.step) + 1] ?? 'done';
  enterStep(s, next, now, opts);
}

export function replaceArtifact(s: BookState, a: Artifact): void {
  s.artifacts = [...s.artifacts.filter((x) => x.kind !== a.kind), a];
}

/** Applies an accepted command (already checked). Mutates the state. */
export function applyAction(
  s: BookState,
  command: Command,
  actor: Actor,
  now: string,
  ref: Pick<ActionRequest, 'requestId' | 'idempotencyKey'> = {},
  opts: ApplyOptions = {},
): void {
  const by = stamp(actor, now);
  const { requestId, idempotencyKey } = ref;
  const record = { ...by, action: command.action, step: s.step, ...(requestId ? { requestId } : {}), ...(idempotencyKey ? { idempotencyKey } : {}) };
  s.actions = [...s.actions, record].slice(-KEEP_ACTIONS);
  s.updatedAt = now;
  const toReviewOrProcessing = () => setPhase(s, automatedOn(s.step, 'submission', opts) ? 'processing' : 'review', now);
  switch (command.action) {
    case 'confirmInventory':
      s.counts.inventoryCases = command.payload.cases;
      s.counts.inventoryPages = command.payload.pages;
      advance(s, now, opts);
      break;
    case 'scansUploaded': {
      const p = command.payload;
      replaceArtifact(s, { kind: 'upload', key: p.uploadPrefix, at: now });
      if (p.declaredPdfs !== undefined) s.counts.pdfs = p.declaredPdfs;
      if (p.declaredPages !== undefined) s.counts.pages = p.declaredPages;
      toReviewOrProcessing();
      break;
    }
    case 'excelUploaded': {
      const p = command.payload;
      replaceArtifact(s, { kind: 'excel', key: p.excelKey, ...(p.sha256 ? { sha256: p.sha256 } : {}), at: now });
      if (p.records !== undefined) s.counts.excelRows = p.records;
      toReviewOrProcessing();
      break;
    }
    case 'c06Received': {
      const p = command.payload;
      replaceArtifact(s, { kind: 'c06Batch', key: p.batchRef, at: now });
      // The batch's rows in the template's form are this book's Excel from here on (import reads it).
      if (p.rowsKey) replaceArtifact(s, { kind: 'excel', key: p.rowsKey, ...(p.sha256 ? { sha256: p.sha256 } : {}), at: now });
      s.counts.c06Rows = p.records;
      toReviewOrProcessing();
      break;
    }
    case 'c06RowsConfirmed': {
      // The decision stays on the book with what it kept (the list's first line names the rows).
      const flagged = s.problems.filter((p) => p.step === s.step && p.code === C06_FLAGGED);
      const text = `Giữ nguyên theo sổ gốc: ${flagged[0]?.message ?? 'các dòng C06 bị đánh dấu'} Lý do: ${command.payload.reason}`;
      s.notes = [...(s.notes ?? []), { ...by, step: s.step, text }].slice(-KEEP_ACTIONS);
      s.problems = s.problems.filter((p) => p.step !== s.step);
      setPhase(s, 'review', now);
      break;
    }
    case 'approve':
      s.reviews.push({ ...by, step: s.step, decision: 'approved', ...(command.payload.note ? { note: command.payload.note } : {}) });
      advance(s, now, opts);
      break;
    case 'reject': {
      const { reasons } = command.payload;
      const backTo = command.payload.backTo ?? (s.step === 'acceptance' ? defaultRedoStep(s) : s.step);
      s.reviews.push({ ...by, step: s.step, decision: 'rejected', reasons, backTo });
      enterStep(s, backTo, now, opts);
      s.problems.push(...reasons.map((message) => ({ step: backTo, code: 'rejected', message, at: now })));
      break;
    }
    case 'manualEntryProgress':
      s.counts.manualEntered = command.payload.entered;
      if (command.payload.complete) advance(s, now, opts);
      break;
    case 'importConfirmed':
      s.counts.imported = command.payload.imported;
      s.counts.importFailed = command.payload.failed;
      advance(s, now, opts);
      break;
    case 'extendDeadline':
      s.extendedDeadline = command.payload.deadline;
      break;
    case 'setPlanDeadline':
      s.planDeadline = command.payload.deadline;
      // The book's own from now on: the province plan's moves no longer reach it.
      if (s.followsPlan) s.followsPlan = false;
      break;
    case 'setPriority':
      s.priority = command.payload.priority;
      break;
    case 'withdraw': {
      s.withdrawn = { ...by, reason: command.payload.reason };
      const times = s.stepTimes[s.step];
      if (times) times.completedAt = now;
      enterStep(s, 'withdrawn', now, opts);
      break;
    }
    case 'addNote':
      s.notes = [...(s.notes ?? []), { ...by, step: s.step, text: command.payload.text }].slice(-KEEP_ACTIONS);
      break;
    case 'changeCustodian': {
      const from = holderOf(s);
      const { to, reason } = command.payload;
      s.handovers = [...(s.handovers ?? []), { ...by, from: { key: from.key, name: from.name }, to: { key: to.key, name: to.name }, reason }].slice(-KEEP_ACTIONS);
      s.custodian = to;
      break;
    }
    default:
      return command satisfies never;
  }
  s.deadline = effectiveDeadline(s);
  liftOverdue(s, Date.parse(now));
}

/** At acceptance, a rejection without `backTo` redoes the data step. */
function defaultRedoStep(s: BookState): Step {
  return s.plan.find((st) => st === 'excel' || st === 'c06' || st === 'manualEntry') ?? 'scan';
}
