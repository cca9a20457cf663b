import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { qualityKeys } from '../../activities/quality/keys';
import { ocrFileSchema, searchPages } from '../../activities/quality/search';
import { pageFindingSchema, pageSearchResponseSchema } from '../../contracts/v1';
import { assertBookInJurisdiction } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, commonErrors, errorBodySchema } from '../errors';
import { idParamsSchema } from '../schemas/registers';
import { needStore } from './uploads';

const HITS = 50;
const findingsFileSchema = z.object({ format: z.literal('sohoa.quality/1'), findings: z.array(pageFindingSchema) });

/** What the machine read and found on a book's pages: the search inside its text, and the page findings. */
export const pageRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const readJson = async (key: string, missing: string) => {
      const store = needStore(ctx);
      if (!(await store.head(key))) throw new ApiError('NotFound', missing);
      return JSON.parse((await store.getBuffer(key)).toString('utf8')) as unknown;
    };

    app.route({
      method: 'GET',
      url: '/api/registers/:id/pages/search',
      schema: {
        tags: ['uploads'],
        summary: 'Tìm trong chữ nhận dạng (OCR) các trang của sổ: một tên, một ngày… → hồ sơ và trang',
        params: idParamsSchema,
        querystring: z.object({ q: z.string().trim().min(2).max(200) }),
        response: { 200: pageSearchResponseSchema, ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req) => {
        await assertBookInJurisdiction(req, ctx, req.params.id);
        const status = await ctx.books.status(req.params.id);
        const ocr = ocrFileSchema.parse(await readJson(qualityKeys(status.book).ocr, `sổ ${req.params.id} chưa có chữ nhận dạng (OCR chưa bật khi đóng gói bản quét)`));
        return searchPages(ocr, req.query.q, HITS);
      },
    });

    app.route({
      method: 'GET',
      url: '/api/registers/:id/pages/findings',
      schema: {
        tags: ['uploads'],
        summary: 'Các lỗi trang máy tìm thấy khi đóng gói bản quét (hồ sơ, trang, lý do; chặn hay chỉ cảnh báo)',
        params: idParamsSchema,
        response: { 200: z.object({ findings: z.array(pageFindingSchema) }), ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req) => {
        await assertBookInJurisdiction(req, ctx, req.params.id);
        const status = await ctx.books.status(req.params.id);
        const report = findingsFileSchema.parse(await readJson(qualityKeys(status.book).report, `sổ ${req.params.id} chưa được kiểm tra trang (kiểm tra chưa bật khi đóng gói bản quét)`));
        return { findings: report.findings };
      },
    });
  };
