import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';

/** Paths that belong to the API, never to the dashboard: an unknown one stays a JSON 404. */
const API_PATHS = /^\/(api|docs|health|metrics)(\/|$)/;

/**
 * The built dashboard (web/dist) at `/`: its files (hashed assets cached for a year), and
 * index.html for any other page path (`/books/reg-…`), so deep links and reloads work. Files are
 * looked up per request, so a rebuild of web/dist is served without restarting the API.
 */
export const webRoutes =
  (root: string): FastifyPluginAsync =>
  async (app) => {
    await app.register(fastifyStatic, { root, serve: false });
    const isFile = (rel: string) => {
      try {
        return statSync(join(root, rel)).isFile();
      } catch {
        return false;
      }
    };
    const page = (reply: FastifyReply) => {
      if (!isFile('index.html')) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };
    app.route({ method: 'GET', url: '/', config: { public: true }, schema: { hide: true }, handler: async (_req, reply) => page(reply) });
    app.route({
      method: 'GET',
      url: '/*',
      config: { public: true },
      schema: { hide: true },
      handler: async (req, reply) => {
        const path = req.url.split('?')[0]!;
        if (API_PATHS.test(path)) return reply.callNotFound();
        let rel: string;
        try {
          rel = normalize(decodeURIComponent(path)).replace(/^[/\\]+/, '');
        } catch {
          return reply.callNotFound();
        }
        if (rel.split(sep).includes('..')) return reply.callNotFound();
        if (rel && isFile(rel)) {
          return reply.header('cache-control', rel.startsWith(`assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(rel, { cacheControl: false });
        }
        // A missing file (a name with an extension) is a real 404; any other path is a page of the app.
        if (/\.[a-z0-9]+$/i.test(path)) return reply.callNotFound();
        return page(reply);
      },
    });
  };
