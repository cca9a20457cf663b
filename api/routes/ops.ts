import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context';

const check = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  temporal: check.extend({ address: z.string(), namespace: z.string() }),
  store: check.extend({ kind: z.string() }),
});

async function timed(fn: () => Promise<unknown>, timeoutMs = 3000): Promise<z.infer<typeof check>> {
  const t0 = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error(`không trả lời sau ${timeoutMs} ms`)), timeoutMs).unref())]);
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - t0), error: (e as Error).message };
  }
}

export const opsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Readiness: Temporal and the store answer. /health is the same check under its first name.
    // While the API shuts down, Fastify answers every new request (these too) 503 and finishes the others.
    const ready = (url: string, summary: string) =>
      app.route({
        method: 'GET',
        url,
        config: { public: true },
        schema: { tags: ['ops'], summary, security: [], response: { 200: healthSchema, 503: healthSchema } },
        handler: async (_req, reply) => {
          const [temporal, store] = await Promise.all([
            timed(() => ctx.client.workflowService.getSystemInfo({})),
            ctx.store ? timed(() => ctx.store!.ping()) : Promise.resolve({ ok: false, ms: 0, error: 'chưa cấu hình kho lưu trữ' }),
          ]);
          const ok = temporal.ok && store.ok;
          return reply.code(ok ? 200 : 503).send({
            status: ok ? 'ok' : 'degraded',
            temporal: { ...temporal, address: ctx.config.TEMPORAL_ADDRESS, namespace: ctx.config.TEMPORAL_NAMESPACE },
            store: { ...store, kind: ctx.store?.kind ?? 'none' },
          });
        },
      });
    ready('/health', 'Temporal và kho lưu trữ có truy cập được không (503 nếu không)');
    ready('/health/ready', 'Sẵn sàng nhận yêu cầu: Temporal và kho lưu trữ trả lời (503 nếu không, hoặc khi đang dừng)');

    app.route({
      method: 'GET',
      url: '/health/live',
      config: { public: true },
      schema: {
        tags: ['ops'],
        summary: 'Tiến trình API còn sống (không kiểm tra Temporal hay kho)',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
      handler: async () => ({ status: 'ok' as const }),
    });

    app.route({
      method: 'GET',
      url: '/metrics',
      config: { public: true },
      schema: { tags: ['ops'], summary: 'Số đo Prometheus (độ trễ yêu cầu, số sổ theo bước, hoạt động lỗi)', security: [] },
      handler: async (_req, reply) => {
        const text = await ctx.metrics.registry.metrics();
        return reply.type(ctx.metrics.registry.contentType).send(text);
      },
    });
  };
