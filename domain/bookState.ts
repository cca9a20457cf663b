import { z } from 'zod';
import {
  actionPayloads,
  MANAGEMENT_ACTIONS,
  roleMayAct,
  WORK_ACTION_STEP,
  type ActionName,
  type ActionPayload,
  type ActionRequest,
} from './actions';
import { actorCovers, type Actor } from './actors';
import { bookPeriod, workflowIdFor, type Book } from './book';
import { artifactKeys } from './naming';
import { planFor, STEP_LABELS_VI, type Step } from './plan';
import type { PlanSettings } from './settings';

export type Phase = 'work' | 'processing' | 'review' | 'closed';

export interface ActorStamp {
  userId: string;
  role: Actor['role'];
  agencyCode: string;
  at: string;
}

export interface ActionRecord extends ActorStamp {
  action: ActionName;
  step: Step;
  requestId?: string;
  idempotencyKey?: string;
}

/** An automatic step whose activity keeps failing: what, since when, how often, and the last error. */
export interface Failing {
  step: Step;
  activity: string;
  attempts: number;
  lastError: string;
  since: string;
  retryAt: string;
}

export interface Review extends ActorStamp {
  step: Step;
  decision: 'approved' | 'rejected';
  note?: string;
  reasons?: string[];
  backTo?: Step;
}

export interface Artifact {
  kind: 'upload' | 'zip' | 'manifest' | 'checksums' | 'excel' | 'excelProblems' | 'excelAnnotated' | 'c06Batch' | 'importPackage' | 'importReceipt' | 'acceptance';
  key: string;
  sha256?: string;
  bytes?: number;
  at: string;
}

export interface Problem {
  step: Step;
  code: string;
  message: string;
  at: string;
}

export interface Counts {
  inventoryCases?: number;
  inventoryPages?: number;
  pdfs?: number;
  pages?: number;
  bytes?: number;
  excelRows?: number;
  c06Rows?: number;
  imported?: number;
  importFailed?: number;
  manualEntered?: number;
}

export interface BookState {
  workflowId: string;
  book: Book;
  plan: Step[];
  step: Step;
  phase: Phase;
  phaseSince: string;
  startedAt: string;
  updatedAt: string;
  stepTimes: Partial<Record<Step, { startedAt: string; completedAt?: string }>>;
  /** Last accepted actions (the full record is the event history). */
  actions: ActionRecord[];
  reviews: Review[];
  counts: Counts;
  artifacts: Artifact[];
  problems: Problem[];
  planDeadline: string;
  extendedDeadline?: string;
  deadline: string;
  overdue: boolean;
  overdueSince?: string;
  remindersSent: string[];
  lastWaitReminderAt?: string;
  priority: number;
  withdrawn?: ActorStamp & { reason: string };
  /**
   * Set while the automatic step fails round after round; `null` once it healed or the step moved on.
   * Absent in books that never failed (their search attributes and memo stay as they were).
   */
  failing?: Failing | null;
  settings: Pick<PlanSettings, 'reminderDays' | 'waitReminderDays'>;
}

const KEEP_ACTIONS = 200;

export function initialState(book: Book, settings: PlanSettings, now: string, priority = 3): BookState {
  const plan = planFor(book.type, book.agency.level);
  const state: BookState = {
    workflowId: workflowIdFor(book),
    book,
    plan,
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
    deadline: settings.deadline,
    overdue: false,
    remindersSent: [],
    priority,
    settings: { reminderDays: settings.reminderDays, waitReminderDays: settings.waitReminderDays },
  };
  return state;
}

/** Why an action is refused; the API maps `code` to HTTP (400, 403, 409, or 200 for noChange). */
export interface Refusal {
  code: 'invalidPayload' | 'forbidden' | 'wrongStep' | 'noChange';
  message: string;
  details?: unknown;
}

export const isClosed = (s: Pick<BookState, 'phase'>) => s.phase === 'closed';

/** The actions a person can take now, whoever they are. */
export function pendingActions(s: BookState): ActionName[] {
  if (isClosed(s)) return [];
  const out: ActionName[] = [];
  if (s.phase === 'work') {
    for (const [a, step] of Object.entries(WORK_ACTION_STEP)) if (step === s.step) out.push(a as ActionName);
  }
  if (s.phase === 'review') out.push('approve', 'reject');
  return [...out, ...MANAGEMENT_ACTIONS];
}

export const awaitingHuman = (s: BookState) => s.phase === 'work' || s.phase === 'review';

/** Parses a payload, turning zod issues into a message that names each field. */
export function parsePayload<A extends ActionName>(
  action: A,
  payload: unknown,
): { ok: true; value: ActionPayload<A> } | { ok: false; refusal: Refusal } {
  const r = actionPayloads[action].safeParse(payload ?? {});
  if (r.success) return { ok: true, value: r.data as ActionPayload<A> };
  return { ok: false, refusal: { code: 'invalidPayload', message: describeIssues(r.error), details: r.error.issues } };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(gốc)'}: ${i.message}`).join('; ');
}

/** An idempotency key this book already applied (kept with its last actions, carried across runs). */
export function alreadyApplied(s: BookState, action: ActionName, idempotencyKey: string | undefined): Refusal | undefined {
  if (!idempotencyKey || !s.actions.some((a) => a.action === action && a.idempotencyKey === idempotencyKey)) return undefined;
  return { code: 'noChange', message: `thao tác "${action}" với khóa ${idempotencyKey} đã được thực hiện` };
}

/**
 * Checks an action against the book's state, the actor's role and jurisdiction, and the payload:
 * the same check serves the API (before sending) and the workflow's update validator.
 */
export function checkAction(s: BookState, action: ActionName, actor: Actor, payload: unknown): Refusal | undefined {
  if (!roleMayAct(actor.role, action, s.step)) {
    return { code: 'forbidden', message: `vai trò ${actor.role} không được thực hiện "${action}" ở bước ${STEP_LABELS_VI[s.step]}` };
  }
  if (!actorCovers(actor, s.book.agency)) {
    return { code: 'forbidden', message: `sổ thuộc ${s.book.agency.name} (${s.book.agency.code}), ngoài phạm vi của người dùng ${actor.userId}` };
  }
  if (isClosed(s)) return { code: 'wrongStep', message: `sổ đã ${s.step === 'done' ? 'hoàn thành' : 'rút khỏi kế hoạch'}` };
  if (!pendingActions(s).includes(action)) {
    return {
      code: 'wrongStep',
      message: `sổ đang ở bước ${STEP_LABELS_VI[s.step]} (${s.phase === 'processing' ? 'đang xử lý tự động' : s.phase === 'review' ? 'chờ duyệt' : 'chờ thực hiện'}); không thể "${action}"`,
    };
  }
  const parsed = parsePayload(action, payload);
  if (!parsed.ok) return parsed.refusal;
  return checkPayloadAgainstState(s, action, parsed.value);
}

/** A storage key sent by a client must be one of this book's own, so no book reads another's files. */
function ownKey(field: string, key: string | undefined, under: string): Refusal | undefined {
  if (key === undefined || key.startsWith(`${under}/`)) return undefined;
  return { code: 'invalidPayload', message: `${field}: khóa "${key}" không thuộc sổ này (phải nằm trong ${under}/)` };
}

function checkPayloadAgainstState<A extends ActionName>(s: BookState, action: A, p: ActionPayload<A>): Refusal | undefined {
  const keys = artifactKeys(s.book);
  switch (action) {
    case 'scansUploaded':
      return ownKey('uploadPrefix', (p as ActionPayload<'scansUploaded'>).uploadPrefix, keys.uploads);
    case 'excelUploaded':
      return ownKey('excelKey', (p as ActionPayload<'excelUploaded'>).excelKey, keys.prefix);
    case 'c06Received':
      return ownKey('rowsKey', (p as ActionPayload<'c06Received'>).rowsKey, keys.prefix);
    case 'reject': {
      const { backTo } = p as ActionPayload<'reject'>;
      if (backTo === undefined) return undefined;
      const at = s.plan.indexOf(s.step);
      const idx = s.plan.indexOf(backTo);
      if (idx < 0 || idx > at || backTo === 'done') {
        return { code: 'invalidPayload', message: `backTo: bước "${backTo}" không nằm trước bước hiện tại trong kế hoạch của sổ (${s.plan.join(' → ')})` };
      }
      return undefined;
    }
    case 'manualEntryProgress': {
      const { entered } = p as ActionPayload<'manualEntryProgress'>;
      if (entered < (s.counts.manualEntered ?? 0)) {
        return { code: 'invalidPayload', message: `entered: ${entered} nhỏ hơn số đã báo trước (${s.counts.manualEntered})` };
      }
      return undefined;
    }
    case 'extendDeadline': {
      const { deadline } = p as ActionPayload<'extendDeadline'>;
      const t = Date.parse(deadline);
      if (t === Date.parse(s.deadline)) return { code: 'noChange', message: 'hạn đã là thời điểm này' };
      if (t < Date.parse(s.deadline)) return { code: 'invalidPayload', message: `deadline: hạn mới phải sau hạn hiện tại (${s.deadline})` };
      return undefined;
    }
    case 'setPlanDeadline': {
      const { deadline } = p as ActionPayload<'setPlanDeadline'>;
      if (Date.parse(deadline) === Date.parse(s.planDeadline)) return { code: 'noChange', message: 'hạn kế hoạch đã là thời điểm này' };
      return undefined;
    }
    case 'setPriority':
      return (p as ActionPayload<'setPriority'>).priority === s.priority ? { code: 'noChange', message: 'mức ưu tiên không đổi' } : undefined;
    default:
      return undefined;
  }
}

/**
 * Steps with automatic work (an activity). Scans and Excel are processed after their submission,
 * import and acceptance as soon as the book enters them. Which are enabled is the workflow's choice
 * (gated by patches, so books started before an automation existed keep their old path).
 */
export const AUTOMATION_TRIGGER: Partial<Record<Step, 'submission' | 'entry'>> = {
  scan: 'submission',
  excel: 'submission',
  import: 'entry',
  acceptance: 'entry',
};

export interface ApplyOptions {
  automatic?: ReadonlySet<Step>;
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

export function effectiveDeadline(s: Pick<BookState, 'planDeadline' | 'extendedDeadline'>): string {
  if (!s.extendedDeadline) return s.planDeadline;
  return Date.parse(s.extendedDeadline) > Date.parse(s.planDeadline) ? s.extendedDeadline : s.planDeadline;
}

export function replaceArtifact(s: BookState, a: Artifact): void {
  s.artifacts = [...s.artifacts.filter((x) => x.kind !== a.kind), a];
}

/** Applies an accepted action (already checked). Mutates the state. */
export function applyAction<A extends ActionName>(
  s: BookState,
  action: A,
  payload: ActionPayload<A>,
  actor: Actor,
  now: string,
  ref: Pick<ActionRequest, 'requestId' | 'idempotencyKey'> = {},
  opts: ApplyOptions = {},
): void {
  const by = stamp(actor, now);
  const { requestId, idempotencyKey } = ref;
  const record = { ...by, action, step: s.step, ...(requestId ? { requestId } : {}), ...(idempotencyKey ? { idempotencyKey } : {}) };
  s.actions = [...s.actions, record].slice(-KEEP_ACTIONS);
  s.updatedAt = now;
  const toReviewOrProcessing = () => setPhase(s, automatedOn(s.step, 'submission', opts) ? 'processing' : 'review', now);
  switch (action) {
    case 'confirmInventory': {
      const p = payload as ActionPayload<'confirmInventory'>;
      s.counts.inventoryCases = p.cases;
      s.counts.inventoryPages = p.pages;
      advance(s, now, opts);
      break;
    }
    case 'scansUploaded': {
      const p = payload as ActionPayload<'scansUploaded'>;
      replaceArtifact(s, { kind: 'upload', key: p.uploadPrefix, at: now });
      if (p.declaredPdfs !== undefined) s.counts.pdfs = p.declaredPdfs;
      if (p.declaredPages !== undefined) s.counts.pages = p.declaredPages;
      toReviewOrProcessing();
      break;
    }
    case 'excelUploaded': {
      const p = payload as ActionPayload<'excelUploaded'>;
      replaceArtifact(s, { kind: 'excel', key: p.excelKey, ...(p.sha256 ? { sha256: p.sha256 } : {}), at: now });
      if (p.records !== undefined) s.counts.excelRows = p.records;
      toReviewOrProcessing();
      break;
    }
    case 'c06Received': {
      const p = payload as ActionPayload<'c06Received'>;
      replaceArtifact(s, { kind: 'c06Batch', key: p.batchRef, at: now });
      // The batch's rows in the template's form are this book's Excel from here on (import reads it).
      if (p.rowsKey) replaceArtifact(s, { kind: 'excel', key: p.rowsKey, ...(p.sha256 ? { sha256: p.sha256 } : {}), at: now });
      s.counts.c06Rows = p.records;
      toReviewOrProcessing();
      break;
    }
    case 'approve': {
      const p = payload as ActionPayload<'approve'>;
      s.reviews.push({ ...by, step: s.step, decision: 'approved', ...(p.note ? { note: p.note } : {}) });
      advance(s, now, opts);
      break;
    }
    case 'reject': {
      const p = payload as ActionPayload<'reject'>;
      const backTo = p.backTo ?? (s.step === 'acceptance' ? defaultRedoStep(s) : s.step);
      s.reviews.push({ ...by, step: s.step, decision: 'rejected', reasons: p.reasons, backTo });
      enterStep(s, backTo, now, opts);
      s.problems.push(...p.reasons.map((message) => ({ step: backTo, code: 'rejected', message, at: now })));
      break;
    }
    case 'manualEntryProgress': {
      const p = payload as ActionPayload<'manualEntryProgress'>;
      s.counts.manualEntered = p.entered;
      if (p.complete) advance(s, now, opts);
      break;
    }
    case 'importConfirmed': {
      const p = payload as ActionPayload<'importConfirmed'>;
      s.counts.imported = p.imported;
      s.counts.importFailed = p.failed;
      advance(s, now, opts);
      break;
    }
    case 'extendDeadline': {
      s.extendedDeadline = (payload as ActionPayload<'extendDeadline'>).deadline;
      break;
    }
    case 'setPlanDeadline': {
      s.planDeadline = (payload as ActionPayload<'setPlanDeadline'>).deadline;
      break;
    }
    case 'setPriority':
      s.priority = (payload as ActionPayload<'setPriority'>).priority;
      break;
    case 'withdraw': {
      s.withdrawn = { ...by, reason: (payload as ActionPayload<'withdraw'>).reason };
      const times = s.stepTimes[s.step];
      if (times) times.completedAt = now;
      enterStep(s, 'withdrawn', now, opts);
      break;
    }
  }
  s.deadline = effectiveDeadline(s);
  liftOverdue(s, Date.parse(now));
}

/** At acceptance, a rejection without `backTo` redoes the data step. */
function defaultRedoStep(s: BookState): Step {
  return s.plan.find((st) => st === 'excel' || st === 'c06' || st === 'manualEntry') ?? 'scan';
}

/**
 * Overdue is a mark of open books only: it lifts when the book closes or its deadline moves past now.
 * It is set only by `takeDueEvents`, together with the overdue notice.
 */
export function liftOverdue(s: BookState, nowMs: number): void {
  if (s.overdue && (isClosed(s) || nowMs < Date.parse(s.deadline))) {
    s.overdue = false;
    s.overdueSince = undefined;
  }
}

function reminders(s: BookState) {
  const deadline = Date.parse(s.deadline);
  return s.settings.reminderDays
    .map((daysBefore) => ({ daysBefore, key: `reminder:${s.deadline}:${daysBefore}`, at: deadline - daysBefore * DAY }))
    .filter((r) => !s.remindersSent.includes(r.key));
}

const waitingDueAt = (s: BookState) => Date.parse(s.lastWaitReminderAt ?? s.phaseSince) + s.settings.waitReminderDays * DAY;
const DAY = 86_400_000;

/** When the book's next deadline or waiting event falls due, if any. */
export function nextWakeAt(s: BookState): number | undefined {
  if (isClosed(s)) return undefined;
  const times: number[] = [];
  if (!s.overdue) times.push(Date.parse(s.deadline), ...reminders(s).map((r) => r.at));
  if (awaitingHuman(s)) times.push(waitingDueAt(s));
  return times.length ? Math.min(...times) : undefined;
}

export interface DueEvent {
  kind: 'deadlineReminder' | 'overdue' | 'waitingReminder';
  key: string;
  daysLeft?: number;
  waitingDays?: number;
}

/**
 * Marks what has fallen due by `nowMs` and returns the notices to send. Reminders that fell due
 * together (a book started late, or a deadline moved) fold into one, the nearest to the deadline.
 */
export function takeDueEvents(s: BookState, nowMs: number): DueEvent[] {
  if (isClosed(s)) return [];
  const out: DueEvent[] = [];
  const due = reminders(s).filter((r) => r.at <= nowMs);
  if (!s.overdue && nowMs >= Date.parse(s.deadline)) {
    s.overdue = true;
    s.overdueSince = new Date(nowMs).toISOString();
    s.remindersSent.push(...due.map((r) => r.key));
    out.push({ kind: 'overdue', key: `overdue:${s.deadline}` });
  } else if (due.length) {
    s.remindersSent.push(...due.map((r) => r.key));
    const nearest = due.reduce((a, b) => (a.daysBefore < b.daysBefore ? a : b));
    out.push({ kind: 'deadlineReminder', key: nearest.key, daysLeft: Math.ceil((Date.parse(s.deadline) - nowMs) / DAY) });
  }
  if (awaitingHuman(s) && nowMs >= waitingDueAt(s)) {
    out.push({
      kind: 'waitingReminder',
      key: `waiting:${s.step}:${s.phaseSince}:${new Date(nowMs).toISOString()}`,
      waitingDays: Math.floor((nowMs - Date.parse(s.phaseSince)) / DAY),
    });
    s.lastWaitReminderAt = new Date(nowMs).toISOString();
  }
  return out;
}

/** What the status query returns: the state and what follows from it. */
export function statusOf(s: BookState, nowMs: number) {
  return {
    ...s,
    period: bookPeriod(s.book).period,
    periodWarning: bookPeriod(s.book).warning,
    awaitingHuman: awaitingHuman(s),
    pendingActions: pendingActions(s),
    daysLeft: Math.ceil((Date.parse(s.deadline) - nowMs) / 86_400_000),
  };
}
export type BookStatus = ReturnType<typeof statusOf>;
