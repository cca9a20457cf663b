import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTION_LABELS_VI, actionPayloads, type ActionName } from '../../domain/actions';
import type { Actor } from '../../domain/actors';
import { parseWorkflowId } from '../../domain/book';
import { actorOf, agencyOfBookId, assertMayHandOver, holderOfBook, isRefusal, recordDenied } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, badRequest, commonErrors, errorBodySchema, notFound } from '../errors';
import { bookFilterSchema } from '../../contracts/v1/filters';
import { bulkResponseSchema, handoverRequestSchema, jobAcceptedSchema, jobViewSchema, type BulkResult, type BulkSummary, type HandoverRequest } from '../../contracts/v1';
import { resolveHandover } from '../services/custody';
import { viewOfJob } from '../schemas/jobs';
import { mapLimit } from '../services/pool';
import { selectBooks } from '../services/bookIndex';

export const BULK_ACTIONS = ['extendDeadline', 'setPlanDeadline', 'setPriority', 'approve', 'withdraw', 'changeCustodian'] as const satisfies readonly ActionName[];

const MAX_IDS = 50_000;

/** A book the action would not change (answered `unchanged`, not sent). */
class NoChange extends Error {}

/** The books a bulk action reaches: an explicit list, or every running book the filter selects in the caller's jurisdiction. */
async function targets(ctx: AppContext, actor: Actor, body: { ids?: string[]; filter?: z.output<typeof bookFilterSchema> }): Promise<{ ids: string[]; early: BulkResult[] }> {
  if (body.ids && body.filter) throw badRequest('chỉ dùng một trong hai: ids hoặc filter', [{ path: 'body', message: 'ids và filter cùng có' }]);
  if (body.ids) {
    const early: BulkResult[] = [];
    const ids: string[] = [];
    for (const id of new Set(body.ids)) {
      const p = parseWorkflowId(id);
      // Who holds the book is the workflow's to check (it refuses an actor outside the holder's jurisdiction).
      if (!p || !ctx.units.findAgency(p.agencyCode)) early.push({ id, result: 'refused', code: 'NotFound', reason: 'không có sổ này' });
      else ids.push(id);
    }
    return { ids, early };
  }
  if (body.filter) {
    // From the read model: listing 40,000 books from visibility held the dev server ≈ 25 s.
    const found = await selectBooks(ctx, actor, { ...body.filter, status: 'running' });
    if (found.length > MAX_IDS) throw badRequest(`bộ lọc chọn ${found.length} sổ, quá ${MAX_IDS} sổ một lần; thu hẹp bộ lọc`, [{ path: 'body.filter', message: `hơn ${MAX_IDS} sổ` }]);
    return { ids: found.map((b) => b.id), early: [] };
  }
  throw badRequest('cần ids (danh sách mã sổ) hoặc filter (bộ lọc như GET /api/registers)', [{ path: 'body', message: 'thiếu ids hoặc filter' }]);
}

export const bulkRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    for (const action of BULK_ACTIONS) {
      app.route({
        method: 'POST',
        url: `/api/bulk/${action}`,
        config: { roles: ['manager'] },
        schema: {
          tags: ['bulk'],
          summary: `${ACTION_LABELS_VI[action]} cho nhiều sổ`,
          description:
            'Chọn sổ bằng `ids` hoặc `filter` (cùng tên và dạng với tham số của GET /api/registers; `{}` = mọi sổ đang thực hiện trong phạm vi). ' +
            'Mỗi sổ được trả lời: done, unchanged (không thay đổi gì — chạy lại lần hai chỉ cho unchanged/refused), refused kèm lý do. ' +
            'Mặc định trả 202 với jobId; tiến độ ở GET /api/bulk/{jobId}. `wait=true` chờ và trả kết quả.',
          querystring: z.object({
            wait: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
            // 32 in flight: bench:scale's deadline storm ran 1.7× faster than with 8, the server and worker better fed.
            concurrency: z.coerce.number().int().min(1).max(64).default(32),
          }),
          body: z.object({
            ids: z.array(z.string().max(200)).min(1).max(MAX_IDS).optional(),
            filter: bookFilterSchema.partial().optional(),
            // A handover names the receiving unit (or `successor`); each book's unit is taken from the data.
            payload: action === 'changeCustodian' ? handoverRequestSchema : actionPayloads[action],
          }),
          response: { 200: bulkResponseSchema, 202: jobAcceptedSchema, ...commonErrors },
        },
        handler: async (req, reply) => {
          await assertMayHandOver(req, ctx.denied, action);
          const actor = actorOf(req);
          const body = req.body as { ids?: string[]; filter?: z.output<typeof bookFilterSchema>; payload: unknown };
          const { ids, early } = await targets(ctx, actor, body);
          req.log.info({ action, books: ids.length + early.length, filter: body.filter }, 'thao tác hàng loạt');
          const job = ctx.jobs.start<BulkResult>({ kind: 'bulk', action, owner: actor.userId, total: ids.length + early.length }, async (progress) => {
            const tally = { total: ids.length + early.length, done: 0, unchanged: 0, refused: early.length };
            // Books outside the caller's jurisdiction were refused before anything was sent: each refusal is kept once.
            for (const r of early) if (r.code === 'Forbidden') await recordDenied(req, ctx.denied, 403, 'Forbidden', r.reason!, { bookId: r.id, action, perBook: true });
            const results = await mapLimit(
              ids,
              req.query.concurrency,
              async (id): Promise<BulkResult> => {
                let r: BulkResult;
                try {
                  let payload = body.payload;
                  if (action === 'changeCustodian') {
                    const h = resolveHandover(ctx.units, await holderOfBook(ctx, id, agencyOfBookId(ctx.units, id)), body.payload as HandoverRequest);
                    if ('unchanged' in h) throw new NoChange(h.unchanged);
                    payload = h.payload;
                  }
                  const out = await ctx.books.act(id, action, actor, payload, `bulk:${req.id}`);
                  r = out.unchanged ? { id, result: 'unchanged', reason: out.message } : { id, result: 'done' };
                } catch (e) {
                  if (e instanceof NoChange) {
                    r = { id, result: 'unchanged', reason: e.message };
                  } else if (e instanceof ApiError) {
                    r = { id, result: 'refused', code: e.code, reason: e.message };
                    if (isRefusal(e)) await recordDenied(req, ctx.denied, e.status, e.code, e.message, { bookId: id, action, perBook: true });
                  } else {
                    req.log.error({ err: e, bookId: id, action }, 'thao tác hàng loạt: lỗi hệ thống');
                    r = { id, result: 'refused', code: 'Error', reason: `lỗi hệ thống; chi tiết được ghi trong nhật ký máy chủ với mã yêu cầu ${req.id}` };
                  }
                }
                tally[r.result]++;
                ctx.metrics.actions.inc({ action, outcome: r.code ?? r.result });
                return r;
              },
              (done) => progress(done + early.length, { ...tally }),
            );
            return { summary: tally, results: [...early, ...results] };
          });
          if (!req.query.wait) return reply.code(202).send({ jobId: job.id, total: job.total, statusUrl: `/api/bulk/${job.id}` });
          await job.finished;
          if (job.state === 'failed') throw job.cause;
          return { jobId: job.id, summary: job.summary as BulkSummary, results: job.results ?? [] };
        },
      });
    }

    app.route({
      method: 'GET',
      // Only a job id matches, so GET /api/bulk/approve is a 405 (the action is POST), not a 400 about its id.
      url: '/api/bulk/:jobId([0-9a-fA-F-]{36})',
      schema: {
        tags: ['bulk'],
        summary: 'Tiến độ và kết quả của một thao tác hàng loạt',
        params: z.object({ jobId: z.uuid() }),
        response: { 200: jobViewSchema, ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req) => {
        const job = ctx.jobs.get(req.params.jobId);
        const actor = actorOf(req);
        if (!job || (job.owner !== actor.userId && actor.role !== 'admin')) throw notFound(`không có công việc ${req.params.jobId}`);
        return viewOfJob(job);
      },
    });

    app.route({
      method: 'POST',
      url: '/api/bulk/:action',
      schema: { hide: true, params: z.object({ action: z.string() }) },
      handler: async (req) => {
        throw notFound(`không có thao tác hàng loạt "${req.params.action}"; các thao tác: ${BULK_ACTIONS.join(', ')}`);
      },
    });
  };
