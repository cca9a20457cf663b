import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import { actionNames, actionRequestSchema, type ActionName, type ActionRequest } from '../domain/actions';
import {
  applyAction,
  checkAction,
  describeIssues,
  initialState,
  isClosed,
  nextWakeAt,
  parsePayload,
  liftOverdue,
  statusOf,
  takeDueEvents,
  type BookState,
} from '../domain/bookState';
import { actionUpdates, REFUSAL_TYPES, statusQuery } from '../domain/messages';
import { noticeFor } from '../domain/notices';
import { memoOf, searchAttributesOf } from '../domain/visibility';
import type { Step } from '../domain/plan';
import type { WorkflowInput } from '../domain/workflowInput';
import { runAutomation } from './automation';

const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m' },
});

const nowIso = () => new Date(Date.now()).toISOString();

/** One physical register book, from inventory to acceptance. */
export async function registerDigitization(input: WorkflowInput): Promise<ReturnType<typeof statusOf>> {
  const state: BookState = input.carried ?? initialState(input.book, input.plan, nowIso(), input.priority);
  let version = 0;
  let published = '';

  /** Keeps search attributes and memo current; every state change goes through here. */
  const changed = () => {
    liftOverdue(state, Date.now());
    version++;
    const sa = searchAttributesOf(state);
    const memo = memoOf(state);
    const fingerprint = JSON.stringify([sa, memo]);
    if (fingerprint === published) return;
    published = fingerprint;
    upsertSearchAttributes(sa);
    upsertMemo(memo);
  };

  setHandler(statusQuery, () => statusOf(state, Date.now()));

  // Automatic work added after the first books started: books started before keep their old path.
  const automatic = new Set<Step>();
  if (patched('package-scans')) automatic.add('scan');
  if (patched('validate-excel')) automatic.add('excel');
  if (patched('submit-import')) automatic.add('import');
  if (patched('compute-acceptance')) automatic.add('acceptance');
  const opts = { automatic };

  for (const action of actionNames) {
    setHandler(
      actionUpdates[action],
      (request: ActionRequest) => {
        const parsed = parsePayload(action, request.payload);
        if (!parsed.ok) throw refusal(parsed.refusal);
        applyAction(state, action, parsed.value, request.actor, nowIso(), request.requestId, opts);
        changed();
        return statusOf(state, Date.now());
      },
      { validator: (request: ActionRequest) => validate(state, action, request) },
    );
  }

  changed();
  while (!isClosed(state)) {
    if (state.phase === 'processing') {
      await runAutomation(state, opts, nowIso);
      changed();
      continue;
    }
    await sendDueNotices(state, changed);
    if (isClosed(state)) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof registerDigitization>({ ...input, carried: state });
    }
    const seen = version;
    const wake = nextWakeAt(state);
    await condition(() => version !== seen, wake === undefined ? undefined : Math.max(wake - Date.now(), 1));
  }
  await condition(allHandlersFinished);
  return statusOf(state, Date.now());
}

/** Rejects before anything enters history: bad request, wrong role or agency, wrong step, bad payload. */
function validate(state: BookState, action: ActionName, request: ActionRequest): void {
  const shape = actionRequestSchema.safeParse(request);
  if (!shape.success) throw refusal({ code: 'invalidPayload', message: describeIssues(shape.error) });
  const r = checkAction(state, action, shape.data.actor, shape.data.payload);
  if (r) throw refusal(r);
}

function refusal(r: { code: keyof typeof REFUSAL_TYPES; message: string; details?: unknown }) {
  return ApplicationFailure.create({
    type: REFUSAL_TYPES[r.code],
    message: r.message,
    nonRetryable: true,
    details: r.details === undefined ? undefined : [r.details],
  });
}

async function sendDueNotices(state: BookState, changed: () => void): Promise<void> {
  const events = takeDueEvents(state, Date.now());
  if (!events.length) return;
  changed();
  const at = nowIso();
  for (const e of events) await notify(noticeFor(state, e, at));
}
