import { allHandlersFinished, ApplicationFailure, condition, makeContinueAsNewFunc, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import { PLAN_CHANGES_KEPT, PLAN_MEMO_KEY, setProvinceDeadlineSchema, type ProvincePlan, type ProvincePlanInput } from '../contracts/v1/plan';
import { actorSchema } from '../contracts/v1/values';
import { describeIssues } from '../domain/bookState';
import { planQuery, setProvinceDeadline } from './definitions';

/**
 * The province plan: its deadline, which every book that follows it keeps, moved by a province manager
 * (each move recorded with who and why). Runs for the life of the project; its memo is the plan, so a
 * describe reads it without a worker.
 */
export async function provincePlan(input: ProvincePlanInput): Promise<never> {
  const plan: ProvincePlan = input.carried ?? { deadline: input.deadline, changes: [] };
  setHandler(planQuery, () => plan);
  setHandler(
    setProvinceDeadline,
    ({ actor, payload }) => {
      const { deadline, reason } = setProvinceDeadlineSchema.parse(payload);
      plan.changes = [...plan.changes, { userId: actor.userId, role: actor.role, agencyCode: actor.agencyCode, at: new Date(Date.now()).toISOString(), deadline, previous: plan.deadline, reason }].slice(-PLAN_CHANGES_KEPT);
      plan.deadline = deadline;
      upsertMemo({ [PLAN_MEMO_KEY]: plan });
      return plan;
    },
    {
      validator: ({ actor, payload }) => {
        const who = actorSchema.safeParse(actor);
        if (!who.success || !(who.data.role === 'admin' || (who.data.role === 'manager' && who.data.scope === 'province'))) {
          throw ApplicationFailure.create({ type: 'Forbidden', message: 'chỉ cán bộ quản lý cấp tỉnh đổi hạn kế hoạch của tỉnh', nonRetryable: true });
        }
        const p = setProvinceDeadlineSchema.safeParse(payload);
        if (!p.success) throw ApplicationFailure.create({ type: 'InvalidPayload', message: describeIssues(p.error), nonRetryable: true });
        if (Date.parse(p.data.deadline) === Date.parse(plan.deadline)) throw ApplicationFailure.create({ type: 'NoChange', message: 'hạn kế hoạch đã là thời điểm này', nonRetryable: true });
      },
    },
  );
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  return makeContinueAsNewFunc<typeof provincePlan>({ memo: { [PLAN_MEMO_KEY]: plan } })({ deadline: plan.deadline, carried: plan });
}
