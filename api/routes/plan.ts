import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { provincePlanSchema, setProvinceDeadlineSchema } from '../../contracts/v1';
import { actorOf, recordDenied } from '../auth/access';
import type { AppContext } from '../context';
import { commonErrors, forbidden } from '../errors';

export const planRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.route({
      method: 'GET',
      url: '/api/plan',
      schema: {
        tags: ['reports'],
        summary: 'Kế hoạch của tỉnh: hạn kế hoạch mà các sổ theo kế hoạch cùng giữ, và các lần đổi hạn',
        response: { 200: provincePlanSchema, ...commonErrors },
      },
      handler: async () => ctx.plan.current,
    });

    app.route({
      method: 'PUT',
      url: '/api/plan/deadline',
      config: { roles: ['manager'] },
      schema: {
        tags: ['bulk'],
        summary: 'Đổi hạn kế hoạch của tỉnh (quản lý cấp tỉnh): mọi sổ theo kế hoạch nhận hạn mới ngay, một lần ghi',
        description:
          'Sổ đã được đặt hạn kế hoạch riêng (POST /api/bulk/setPlanDeadline hoặc thao tác setPlanDeadline) giữ hạn riêng; ' +
          'sổ được gia hạn giữ hạn gia hạn nếu muộn hơn. Lý do và người đổi được ghi vào lịch sử của kế hoạch.',
        body: setProvinceDeadlineSchema,
        response: { 200: provincePlanSchema, ...commonErrors },
      },
      handler: async (req) => {
        const actor = actorOf(req);
        if (actor.role !== 'admin' && actor.scope !== 'province') {
          const reason = `chỉ quản lý cấp tỉnh đổi hạn kế hoạch của tỉnh; ${actor.userId} thuộc phạm vi ${actor.scope} ${actor.agencyCode}`;
          await recordDenied(req, ctx.denied, 403, 'Forbidden', reason, { action: 'plan.deadline' });
          throw forbidden(reason);
        }
        const plan = await ctx.plan.move(actor, req.body);
        req.log.info({ plan: { deadline: plan.deadline, reason: req.body.reason } }, 'hạn kế hoạch của tỉnh đã đổi');
        return plan;
      },
    });
  };
