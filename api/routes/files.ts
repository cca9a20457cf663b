import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { artifactKeys } from '../../domain/naming';
import { assertBookInJurisdiction } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, commonErrors, download, errorBodySchema } from '../errors';
import { storedFilesResponseSchema } from '../../contracts/v1';
import { idParamsSchema } from '../schemas/registers';
import { XLSX } from '../services/requestFiles';
import { needStore } from './uploads';

const FILE_TYPES = [XLSX, 'application/zip', 'application/pdf', 'application/json', 'application/octet-stream'] as const;

/** A book's stored files: the list and each file, only within the caller's jurisdiction. */
export const fileRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.route({
      method: 'GET',
      url: '/api/registers/:id/files',
      schema: {
        tags: ['uploads'],
        summary: 'Các tệp của sổ trong kho lưu trữ (bản quét đã tải, PDF, zip, manifest, Excel, báo lỗi)',
        params: idParamsSchema,
        response: { 200: storedFilesResponseSchema, ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req) => {
        const store = needStore(ctx);
        await assertBookInJurisdiction(req, ctx, req.params.id);
        const status = await ctx.books.status(req.params.id);
        return { items: await store.list(artifactKeys(status.book).prefix) };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/registers/:id/file',
      schema: {
        tags: ['uploads'],
        summary: 'Tải một tệp của sổ theo khóa (chỉ các khóa thuộc sổ)',
        params: idParamsSchema,
        querystring: z.object({ key: z.string().min(1).max(900) }),
        response: { 200: download('tệp của sổ, theo loại của nó', FILE_TYPES), ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req, reply) => {
        const store = needStore(ctx);
        await assertBookInJurisdiction(req, ctx, req.params.id);
        const status = await ctx.books.status(req.params.id);
        const prefix = `${artifactKeys(status.book).prefix}/`;
        const key = req.query.key;
        if (!key.startsWith(prefix) || key.split('/').includes('..')) throw new ApiError('Forbidden', `khóa ${key} không thuộc sổ ${req.params.id}`);
        const head = await store.head(key);
        if (!head) throw new ApiError('NotFound', `không có tệp ${key}`);
        const name = key.split('/').pop()!;
        const type = /\.xlsx$/i.test(name) ? XLSX : /\.zip$/i.test(name) ? 'application/zip' : /\.pdf$/i.test(name) ? 'application/pdf' : /\.json$/i.test(name) ? 'application/json' : 'application/octet-stream';
        return reply
          .type(type)
          .header('content-length', String(head.bytes))
          .header('x-sha256', head.sha256)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
          .send((await store.get(key)) as never);
      },
    });
  };
