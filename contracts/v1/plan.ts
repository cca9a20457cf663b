import { z } from 'zod';
import { actorStampSchema, isoDateTime } from './values';

/**
 * The province plan: the deadline every book that follows it keeps (a book may have one of its own, or
 * an extension). Held by one workflow (`provincePlan`, id below), so moving it is one write whatever
 * the number of books; the history of its changes names who moved it and why.
 */
export const PLAN_WORKFLOW_TYPE = 'provincePlan';
export const PLAN_WORKFLOW_ID = 'sohoa-plan';
/** Changes kept in the plan's state (its whole history is the workflow's). */
export const PLAN_CHANGES_KEPT = 100;

export const setProvinceDeadlineSchema = z.object({
  deadline: isoDateTime,
  reason: z.string().trim().min(1, 'không được để trống').max(1000),
});
export type SetProvinceDeadline = z.infer<typeof setProvinceDeadlineSchema>;

export const planChangeSchema = actorStampSchema.extend({ deadline: z.string(), previous: z.string(), reason: z.string() });

export const provincePlanSchema = z
  .object({
    deadline: z.string().describe('hạn kế hoạch của tỉnh (ISO 8601)'),
    changes: z.array(planChangeSchema).describe('các lần đổi hạn gần nhất, cũ trước'),
  })
  .meta({ id: 'ProvincePlan' });
export type ProvincePlan = z.infer<typeof provincePlanSchema>;

/** The plan workflow's input: the deadline it starts with, or the state a previous run carried. */
export const provincePlanInputSchema = z.object({ deadline: z.string(), carried: provincePlanSchema.optional() });
export type ProvincePlanInput = z.infer<typeof provincePlanInputSchema>;

/** The memo of the plan workflow: what the API and the scheduled runs read by describe. */
export const PLAN_MEMO_KEY = 'plan';
