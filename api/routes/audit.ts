import type { HistoryAndWorkflowId } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bookAccess, reachOf } from '../../domain/custody';
import { legacyCustodian } from '../../domain/units';
import { WORKFLOW_TYPE } from '../../workflows/definitions';
import { actorOf, assertBookInJurisdiction } from '../auth/access';
import { parseWorkflowId } from '../../domain/book';
import type { AppContext } from '../context';
import { ApiError, badRequest, commonErrors, errorBodySchema, forbidden } from '../errors';
import { existsSync } from 'node:fs';
import { idParamsSchema } from '../schemas/registers';
import { mapTemporalError } from '../services/books';
import { replayHistories } from '../services/replay';
import { replayResponseSchema, timelineSchema } from '../../contracts/v1';
import { TimelineBuilder } from '../services/timeline';
import { jurisdictionClause, quote } from '../../clients/temporal/visibilityQuery';

export const auditRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const timelines = new TimelineBuilder(ctx.client);

    app.route({
      method: 'GET',
      url: '/api/registers/:id/history',
      schema: {
        tags: ['audit'],
        summary: 'Lịch sử dễ đọc của một sổ: ai làm gì, khi nào, với dữ liệu nào; hoạt động tự động, hẹn giờ, thay đổi trạng thái',
        description: 'Dựng từ lịch sử sự kiện của Temporal (mọi lượt chạy), cùng các yêu cầu bị từ chối mà API đã ghi (denied=false để bỏ).',
        params: idParamsSchema,
        querystring: z.object({ denied: z.enum(['true', 'false']).default('true').transform((v) => v === 'true') }),
        response: {
          200: timelineSchema,
          ...commonErrors,
          404: errorBodySchema,
        },
      },
      handler: async (req) => {
        const { id } = req.params;
        await assertBookInJurisdiction(req, ctx, id);
        const denied = req.query.denied ? await ctx.denied.forBook(id) : [];
        try {
          return await timelines.build(id, denied);
        } catch (e) {
          throw mapTemporalError(e, id);
        }
      },
    });

    app.route({
      method: 'GET',
      url: '/api/registers/:id/history.json',
      schema: {
        tags: ['audit'],
        summary: 'Xuất nguyên lịch sử sự kiện (JSON của Temporal, dùng được để replay)',
        params: idParamsSchema,
        querystring: z.object({ runId: z.string().max(100).optional().describe('lượt chạy (mặc định: lượt mới nhất)') }),
        response: {
          200: { description: 'lịch sử sự kiện (JSON của Temporal)', content: { 'application/json': { schema: z.looseObject({ events: z.array(z.looseObject({})) }) } } },
          ...commonErrors,
          404: errorBodySchema,
        },
      },
      handler: async (req, reply) => {
        const { id } = req.params;
        await assertBookInJurisdiction(req, ctx, id);
        try {
          const history = await ctx.client.workflow.getHandle(id, req.query.runId).fetchHistory();
          return reply
            .type('application/json; charset=utf-8')
            .header('content-disposition', `attachment; filename="${id}${req.query.runId ? `.${req.query.runId}` : ''}.history.json"`)
            .send(historyToJSON(history) as never);
        } catch (e) {
          throw mapTemporalError(e, id);
        }
      },
    });

    app.route({
      method: 'POST',
      url: '/api/audit/replay',
      config: { roles: ['auditor', 'manager'] },
      schema: {
        tags: ['audit'],
        summary: 'Chạy lại (replay) lịch sử của các sổ với mã workflow hiện tại; báo điểm không tất định',
        description: 'Chọn `ids`, hoặc `agency` (mọi sổ của đơn vị), hoặc không gì cả (mọi sổ trong phạm vi, tối đa `limit`). Mọi lượt chạy của mỗi sổ đều được replay.',
        body: z.object({
          ids: z.array(z.string().max(200)).min(1).max(1000).optional(),
          agency: z.string().regex(/^\d{2,5}$/).optional(),
          limit: z.number().int().min(1).max(5000).default(200),
        }),
        response: {
          200: replayResponseSchema,
          ...commonErrors,
          404: errorBodySchema,
        },
      },
      handler: async (req) => {
        const actor = actorOf(req);
        const { ids, agency, limit } = req.body;
        if (!existsSync(ctx.workflowBundlePath)) throw new ApiError('Unavailable', `chưa có bản đóng gói workflow ${ctx.workflowBundlePath}; chạy npm run build:workflows`);
        if (ids && agency) throw badRequest('chỉ dùng một trong hai: ids hoặc agency', [{ path: 'body', message: 'ids và agency cùng có' }]);
        let histories: AsyncIterable<HistoryAndWorkflowId> | HistoryAndWorkflowId[];
        if (ids) {
          for (const [i, id] of ids.entries()) {
            if (!parseWorkflowId(id)) throw badRequest(`"${id}" không phải mã sổ (dạng reg-{mã đơn vị}-{mã loại}-{quyển}-{năm})`, [{ path: `body.ids.${i}`, message: 'không phải mã sổ' }]);
            await assertBookInJurisdiction(req, ctx, id);
          }
          histories = [];
          for (const id of ids) {
            try {
              for (const r of await timelines.histories(id)) histories.push({ workflowId: id, history: r.history });
            } catch (e) {
              throw mapTemporalError(e, id);
            }
          }
        } else {
          if (agency) {
            const a = ctx.units.findAgency(agency);
            if (!a) throw badRequest(`không có đơn vị ${agency}`, [{ path: 'body.agency', message: 'không có trong danh mục' }]);
            if (!bookAccess(reachOf(ctx.units, actor), legacyCustodian(a), a).see) throw forbidden(`${a.name} ngoài phạm vi của người dùng ${actor.userId}`);
          }
          // Every run, including those closed by continue-as-new: each must replay.
          const query = [`WorkflowType = ${quote(WORKFLOW_TYPE)}`, jurisdictionClause(ctx.units, actor), ...(agency ? [`SohoaAgency = ${quote(agency)}`] : [])].join(' AND ');
          histories = take(ctx.client.workflow.list({ query, pageSize: Math.min(limit, 1000) }).intoHistories({ concurrency: 4 }), limit);
        }
        const results = await replayHistories(ctx.workflowBundlePath, histories);
        const n = (r: string) => results.filter((x) => x.result === r).length;
        req.log.info({ replayed: results.length, nonDeterministic: n('nonDeterministic') }, 'replay');
        return { summary: { total: results.length, ok: n('ok'), nonDeterministic: n('nonDeterministic'), error: n('error') }, results };
      },
    });
  };

async function* take<T>(it: AsyncIterable<T>, n: number): AsyncIterable<T> {
  if (n <= 0) return;
  let i = 0;
  for await (const x of it) {
    yield x;
    if (++i >= n) return;
  }
}
