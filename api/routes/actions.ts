import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { statusUnderPlan } from '../../domain/planDeadline';
import { z } from 'zod';
import { ACTION_LABELS_VI, actionNames, actionPayloads, rolesFor, type ActionName } from '../../domain/actions';
import type { Role } from '../../domain/actors';
import { steps } from '../../domain/plan';
import { actorOf, assertBookInJurisdiction, assertMayHandOver, recordDenied } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, commonErrors, errorBodySchema, notFound } from '../errors';
import { actionResponseSchema, handoverRequestSchema, type HandoverRequest } from '../../contracts/v1';
import { resolveHandover } from '../services/custody';
import { idParamsSchema } from '../schemas/registers';
import { idempotentKey, KeyLocks } from '../services/idempotency';

/** Roles that may take an action at some step (the workflow checks the step's own list). */
export function actionRoles(action: ActionName): Role[] {
  return [...new Set(steps.flatMap((s) => rolesFor(action, s)))];
}

/** The stored files an action hands to the workflow (a draft submitted this way stops being one). */
function submittedKeys(body: unknown): string[] {
  const p = (body ?? {}) as { uploadPrefix?: unknown; excelKey?: unknown };
  return [p.uploadPrefix, p.excelKey].filter((k): k is string => typeof k === 'string');
}

const headersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\w.:-]{1,80}$/)
    .optional()
    .describe('gửi lại cùng khóa với cùng dữ liệu = cùng một thao tác (trả lời như lần đầu); cùng khóa với thao tác hay dữ liệu khác: 409'),
});

export const actionRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const locks = new KeyLocks();
    for (const action of actionNames) {
      app.route({
        method: 'POST',
        url: `/api/registers/:id/actions/${action}`,
        config: { roles: actionRoles(action) },
        schema: {
          tags: ['registers'],
          summary: `${ACTION_LABELS_VI[action]} (${action})`,
          description:
            `Vai trò: ${['admin', ...actionRoles(action)].join(', ')}. Gửi tới workflow dưới dạng update \`${action}\`; ` +
            'workflow kiểm tra lại vai trò, phạm vi, bước và dữ liệu. 400 dữ liệu sai, 403 không được phép, 404 không có sổ, 409 sai bước; ' +
            'thao tác không thay đổi gì trả 200 với unchanged=true.',
          params: idParamsSchema,
          headers: headersSchema,
          // A handover names the receiving unit by its key; the API takes the unit itself from the data.
          body: action === 'changeCustodian' ? handoverRequestSchema : actionPayloads[action].optional(),
          response: { 200: actionResponseSchema, ...commonErrors, 404: errorBodySchema, 409: errorBodySchema },
        },
        handler: async (req) => {
          const { id } = req.params;
          await assertMayHandOver(req, ctx.denied, action);
          const { holder } = await assertBookInJurisdiction(req, ctx, id, 'act');
          const actor = actorOf(req);
          const key = req.headers['idempotency-key'];
          try {
            let payload: unknown = req.body ?? {};
            if (action === 'changeCustodian') {
              const h = resolveHandover(ctx.units, holder, req.body as HandoverRequest);
              if ('unchanged' in h) return { unchanged: true, message: h.unchanged };
              payload = h.payload;
            }
            const body = payload;
            const out =
              key === undefined
                ? await ctx.books.act(id, action, actor, body, req.id)
                : await locks.run(id, key, async () => {
                    const sent = idempotentKey((await ctx.books.status(id)).actions, action, key, body);
                    return ctx.books.act(id, action, actor, body, req.id, { idempotencyKey: sent });
                  });
            ctx.metrics.actions.inc({ action, outcome: out.unchanged ? 'unchanged' : 'done' });
            if (!out.unchanged) await ctx.drafts?.submitted(id, submittedKeys(req.body));
            req.log.info({ action, unchanged: out.unchanged }, 'thao tác');
            return out.unchanged ? { unchanged: true, message: out.message } : { unchanged: false, status: statusUnderPlan(out.status, ctx.plan.now()) };
          } catch (e) {
            if (e instanceof ApiError && [400, 403, 409].includes(e.status) && e.code !== 'NeedsDecision') {
              ctx.metrics.actions.inc({ action, outcome: e.code });
              await recordDenied(req, ctx.denied, e.status, e.code, e.message, { bookId: id, action });
            }
            throw e;
          }
        },
      });
    }

    app.route({
      method: 'POST',
      url: '/api/registers/:id/actions/:action',
      schema: { hide: true, params: idParamsSchema.extend({ action: z.string() }) },
      handler: async (req) => {
        throw notFound(`không có thao tác "${req.params.action}"; các thao tác: ${actionNames.join(', ')}`);
      },
    });
  };
