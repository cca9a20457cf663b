import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { ErrorBody } from './errors';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * What answers a request no route took: 405 with the methods the path does take (`Allow`), else
 * 404. Only documented routes count (a second router, the one fastify uses, holding the routes of
 * the OpenAPI document): the hidden catch-alls that name the actions and the dashboard's pages
 * answer any path, so they never make one exist.
 */
export class MethodTable {
  private readonly router;

  constructor(opts: { maxParamLength: number }) {
    this.router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: opts.maxParamLength });
  }

  /** For `onRoute`: every documented route, and HEAD for each GET (fastify answers it). */
  add(route: RouteOptions): void {
    if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
    const methods = [route.method].flat().map((m) => m.toUpperCase() as HTTPMethod);
    for (const m of methods.includes('GET') ? [...methods, 'HEAD' as const] : methods) {
      if (!this.router.hasRoute(m, route.url)) this.router.on(m, route.url, () => undefined);
    }
  }

  answer(req: FastifyRequest, reply: FastifyReply) {
    const path = req.url.split('?')[0]!;
    const allowed = METHODS.filter((m) => this.router.find(m, path) !== null);
    if (allowed.length && !allowed.includes(req.method as (typeof METHODS)[number])) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: 'MethodNotAllowed', message: `${path} không nhận ${req.method}; dùng ${allowed.join(', ')}` } satisfies ErrorBody);
    }
    return reply.code(404).send({ error: 'NotFound', message: `không có đường dẫn ${req.method} ${path}` } satisfies ErrorBody);
  }

  static install(app: FastifyInstance, opts: { maxParamLength: number }): MethodTable {
    const table = new MethodTable(opts);
    app.addHook('onRoute', (route) => table.add(route));
    return table;
  }
}
