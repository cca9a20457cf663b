import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scheduleActionRequestSchema, scheduleActions, scheduleIds, schedulesResponseSchema, scheduleViewSchema } from '../../contracts/v1';
import { actorOf, recordDenied } from '../auth/access';
import type { AppContext } from '../context';
import { commonErrors, errorBodySchema, forbidden } from '../errors';
import { scheduleError } from '../services/schedules';

export const scheduleRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.route({
      method: 'GET',
      url: '/api/schedules',
      config: { roles: ['manager', 'auditor'] },
      schema: {
        tags: ['reports'],
        summary: 'Lịch chạy tự động (Temporal Schedules): tổng hợp sổ quá hạn hằng ngày, báo cáo tiến độ hằng tuần; lần chạy trước và kế tiếp',
        response: { 200: schedulesResponseSchema, ...commonErrors },
      },
      handler: async () => {
        try {
          return { items: await ctx.schedules.list() };
        } catch (e) {
          throw scheduleError(e, '');
        }
      },
    });

    app.route({
      method: 'POST',
      url: '/api/schedules/:id/:action',
      config: { roles: ['manager'] },
      schema: {
        tags: ['reports'],
        summary: 'Tạm dừng, cho chạy lại hoặc chạy ngay một lịch (quản lý cấp tỉnh); lý do ghi vào ghi chú của lịch',
        params: z.object({ id: z.enum(scheduleIds), action: z.enum(scheduleActions) }),
        // A POST without a body (curl -X POST) reaches the validator as null.
        body: scheduleActionRequestSchema.nullish(),
        response: { 200: scheduleViewSchema, ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req) => {
        const actor = actorOf(req);
        const { id, action } = req.params;
        if (actor.role !== 'admin' && actor.scope !== 'province') {
          const reason = `chỉ quản lý cấp tỉnh được điều khiển lịch chạy; ${actor.userId} thuộc phạm vi ${actor.scope} ${actor.agencyCode}`;
          await recordDenied(req, ctx.denied, 403, 'Forbidden', reason, { action: `schedule.${action}` });
          throw forbidden(reason);
        }
        const view = await ctx.schedules.act(id, action, actor, req.body?.note || undefined);
        req.log.info({ schedule: { id, action, note: view.note } }, 'lịch chạy đã thay đổi');
        return view;
      },
    });
  };
