import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTION_LABELS_VI, actionNames, actionPayloads, rolesFor, type ActionName } from '../../domain/actions';
import type { Role } from '../../domain/actors';
import { steps } from '../../domain/plan';
import { actorOf, assertBookInJurisdiction, recordDenied } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, commonErrors, errorBodySchema, notFound } from '../errors';
import { actionResponseSchema } from '../../contracts/v1';
import { idParamsSchema } from '../schemas/registers';
import { idempotentKey, KeyLocks } from '../services/idempotency';

/** Roles that may take an action at some step (the workflow checks the step's own list). */
export function actionRoles(action: ActionName): Role[] {
  return [...new Set(steps.flatMap((s) => rolesFor(action, s)))];
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
          body: actionPayloads[action].optional(),
          response: { 200: actionResponseSchema, ...commonErrors, 404: errorBodySchema, 409: errorBodySchema },
        },
        handler: async (req) => {
          const { id } = req.params;
          await assertBookInJurisdiction(req, ctx, id);
          const actor = actorOf(req);
          const key = req.headers['idempotency-key'];
          const payload = req.body ?? {};
          try {
            const out =
              key === undefined
                ? await ctx.books.act(id, action, actor, payload, req.id)
                : await locks.run(id, key, async () => {
                    const sent = idempotentKey((await ctx.books.status(id)).actions, action, key, payload);
                    return ctx.books.act(id, action, actor, payload, req.id, { idempotencyKey: sent });
                  });
            ctx.metrics.actions.inc({ action, outcome: out.unchanged ? 'unchanged' : 'done' });
            req.log.info({ action, unchanged: out.unchanged }, 'thao tác');
            return out.unchanged ? { unchanged: true, message: out.message } : { unchanged: false, status: out.status };
          } catch (e) {
            if (e instanceof ApiError && [400, 403, 409].includes(e.status)) {
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
