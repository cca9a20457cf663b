import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { actionNames, actionRequestSchema, type ActionName, type ActionRequest } from '../contracts/v1/commands';
import type { BookStatusV1 } from '../contracts/v1/status';
import { type Step } from '../contracts/v1/values';
import { upgradeCarried, type WorkflowInputV1 } from '../contracts/v1/workflow';
import {
  alreadyApplied,
  applyAction,
  checkAction,
  describeIssues,
  initialState,
  isClosed,
  liftOverdue,
  nextWakeAt,
  parseCommand,
  statusOf,
  type BookState,
  type Refusal,
} from '../domain/bookState';
import { memoOf, PUBLISHED_MEMO_KEYS, statusMemoOf } from '../domain/memo';
import { CONTINUE, guardedInvoke, legacyInvoke, runAutomation } from './automation';
import { actionUpdates, SA, searchAttributesOf, statusQuery } from './definitions';
import { dueNotices, NoticeQueue, sendInline } from './notices';
import { fromCodeVersion2, fromCodeVersion3, PATCHES, patchGate, type PatchId } from './patches';
import { SentKeys } from './sentKeys';
import { WakeTimer } from './wakeTimer';

const nowIso = () => new Date(Date.now()).toISOString();

/** One physical register book, from inventory to acceptance. */
export async function registerDigitization(input: WorkflowInputV1): Promise<BookStatusV1> {
  const state: BookState = input.carried === undefined ? initialState(input.book, input.plan, input.startedAt ?? nowIso(), input.priority) : upgradeCarried(input.carried);
  let version = 0;
  let published = '';
  const inForce = patchGate(input.codeVersion);
  // Books of code version 2 on keep one wake-up timer across the loop's turns (older ones set one a turn).
  const wakeTimer = fromCodeVersion2(input.codeVersion) ? new WakeTimer() : undefined;
  // And publish their status in the memo, only the search attributes and memo keys that changed (older ones publish them all).
  const sent = fromCodeVersion2(input.codeVersion) ? new SentKeys(workflowInfo()) : undefined;
  // Decided once, before any command: a history recorded before the stamp replays its exact upserts.
  const stampUpdated = inForce(PATCHES.updatedAtAttribute);

  /**
   * Keeps search attributes and memo current; every state change goes through here. Answers the status
   * it published (books that publish it), so an update's answer is not computed twice.
   */
  const changed = (): BookStatusV1 | undefined => {
    liftOverdue(state, Date.now());
    version++;
    const sa = searchAttributesOf(state);
    const memo = memoOf(state);
    const stamp = { key: SA.updatedAt, value: new Date(Date.now()) };
    if (sent) {
      // What is published, key by key: a change of bookkeeping alone (a reminder sent) publishes nothing.
      const status = statusOf(state, Date.now());
      const changedPairs = sent.changedAttributes(sa);
      const changedMemo = sent.changedMemo({ ...memo, ...statusMemoOf(status) }, PUBLISHED_MEMO_KEYS);
      if (!changedPairs.length && !changedMemo) return status;
      upsertSearchAttributes([...changedPairs, stamp]);
      if (changedMemo) upsertMemo(changedMemo);
      return status;
    }
    // Stamped books publish any change of state, so the stamp versions the whole status (the API caches by it).
    const fingerprint = JSON.stringify(stampUpdated ? [sa, memo, state] : [sa, memo]);
    if (fingerprint === published) return undefined;
    published = fingerprint;
    upsertSearchAttributes(stampUpdated ? [...sa, stamp] : sa);
    upsertMemo(memo);
    return undefined;
  };

  setHandler(statusQuery, () => statusOf(state, Date.now()));

  // Automatic work added after the first books started: books started before keep their old path,
  // in this run and (carried) in every later one.
  const automatic = new Set<Step>(input.automations ?? automationsByPatch(inForce));
  const opts = { automatic, inForce };
  // Decided in the first run and carried; a later run without the choice belongs to a book started before it.
  const digest = input.overdueDigest ?? (input.carried === undefined && inForce(PATCHES.overdueDigest));
  const notices = new NoticeQueue([...(input.notices ?? [])]);
  /** Marks what fell due and queues its notices; whether the state changed. */
  const takeDue = () => {
    const due = dueNotices(state, nowIso(), digest);
    notices.push(due.notices);
    return due.changed;
  };
  // Books of code version 3 on take what an action made due (the plan's deadline moved into the past: the
  // overdue mark) with the action, so the change is published once, not twice: each is a visibility write.
  const dueWithAction = fromCodeVersion3(input.codeVersion);

  for (const action of actionNames) {
    setHandler(
      actionUpdates[action],
      (request: ActionRequest) => {
        const parsed = parseCommand(action, request.payload);
        if (!parsed.ok) throw refusal(parsed.refusal);
        applyAction(state, parsed.command, request.actor, nowIso(), request, opts);
        if (dueWithAction && state.phase !== 'processing') takeDue();
        return changed() ?? statusOf(state, Date.now());
      },
      { validator: (request: ActionRequest) => validate(state, action, request) },
    );
  }

  void notices.drain();
  const nextRun = () => continueAsNew<typeof registerDigitization>({ ...input, carried: state, automations: [...automatic], overdueDigest: digest, notices: notices.pending });

  changed();
  while (!isClosed(state)) {
    if (state.phase === 'processing') {
      const invoke = inForce(PATCHES.guardedAutomation) ? guardedInvoke(state, changed, nowIso) : legacyInvoke();
      const outcome = await runAutomation(state, opts, nowIso, invoke);
      changed();
      if (outcome === CONTINUE) {
        await condition(allHandlersFinished);
        await nextRun();
      }
      continue;
    }
    if (inForce(PATCHES.noticesBesideLoop)) {
      if (takeDue()) changed();
    } else {
      await sendInline(state, changed);
      if (isClosed(state)) break;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await nextRun();
    }
    const seen = version;
    if (wakeTimer) {
      wakeTimer.set(nextWakeAt(state));
      await condition(() => version !== seen || wakeTimer.fired);
    } else {
      const wake = nextWakeAt(state);
      await condition(() => version !== seen, wake === undefined ? undefined : Math.max(wake - Date.now(), 1));
    }
  }
  await condition(() => allHandlersFinished() && notices.idle);
  return statusOf(state, Date.now());
}

function automationsByPatch(inForce: (patch: PatchId) => boolean): Step[] {
  const steps: Step[] = [];
  if (inForce(PATCHES.packageScans)) steps.push('scan');
  if (inForce(PATCHES.validateExcel)) steps.push('excel');
  if (inForce(PATCHES.submitImport)) steps.push('import');
  if (inForce(PATCHES.computeAcceptance)) steps.push('acceptance');
  if (inForce(PATCHES.reconcileC06)) steps.push('c06');
  return steps;
}

/** Rejects before anything enters history: bad request, wrong role or agency, wrong step, bad payload, a repeat. */
function validate(state: BookState, action: ActionName, request: ActionRequest): void {
  const shape = actionRequestSchema.safeParse(request);
  if (!shape.success) throw refusal({ code: 'InvalidPayload', message: describeIssues(shape.error) });
  const r = checkAction(state, action, shape.data.actor, shape.data.payload) ?? alreadyApplied(state, action, shape.data.idempotencyKey);
  if (r) throw refusal(r);
}

/** A refusal as the failure the caller of the update receives; its `type` is the contract's error code. */
function refusal(r: Refusal) {
  return ApplicationFailure.create({
    type: r.code,
    message: r.message,
    nonRetryable: true,
    details: r.details === undefined ? undefined : [r.details],
  });
}
