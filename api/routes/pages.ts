import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { qualityKeys } from '../../activities/quality/keys';
import { ocrFileSchema, searchPages } from '../../activities/quality/search';
import { pageFindingSchema, pageListResponseSchema, pageSearchResponseSchema } from '../../contracts/v1';
import type { Book } from '../../domain/book';
import { assertBookInJurisdiction } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, commonErrors, download, errorBodySchema } from '../errors';
import { idParamsSchema } from '../schemas/registers';
import { needStore } from './uploads';

const HITS = 50;
const reportSchema = z.object({
  format: z.literal('sohoa.quality/1'),
  findings: z.array(pageFindingSchema),
  pages: z.array(z.object({ key: z.string().nullable(), case: z.string(), caseNo: z.number().int(), page: z.number().int() })),
});
const pageQuerySchema = z.object({ caseNo: z.coerce.number().int().min(0), page: z.coerce.number().int().min(1) });

/** What the machine read and found on a book's pages: the search inside its text, and the page findings. */
export const pageRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const readJson = async (key: string, missing: string) => {
      const store = needStore(ctx);
      if (!(await store.head(key))) throw new ApiError('NotFound', missing);
      return JSON.parse((await store.getBuffer(key)).toString('utf8')) as unknown;
    };

    const reportOf = async (book: Book, id: string) =>
      reportSchema.parse(await readJson(qualityKeys(book).report, `sổ ${id} chưa được kiểm tra trang (kiểm tra chưa bật khi đóng gói bản quét)`));

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
        return { findings: (await reportOf(status.book, req.params.id)).findings };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/registers/:id/pages',
      schema: {
        tags: ['uploads'],
        summary: 'Các trang đã kiểm tra của sổ, theo hồ sơ, mỗi trang với lỗi của nó (cho màn hình xem trang)',
        params: idParamsSchema,
        response: { 200: pageListResponseSchema, ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req) => {
        await assertBookInJurisdiction(req, ctx, req.params.id);
        const status = await ctx.books.status(req.params.id);
        const report = await reportOf(status.book, req.params.id);
        const at = (f: { caseNo: number; page: number }) => `${f.caseNo}/${f.page}`;
        const found = new Map<string, typeof report.findings>();
        for (const f of report.findings) found.set(at(f), [...(found.get(at(f)) ?? []), f]);
        return { pages: report.pages.map((p) => ({ case: p.case, caseNo: p.caseNo, page: p.page, image: p.key !== null, findings: found.get(at(p)) ?? [] })) };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/registers/:id/pages/image',
      schema: {
        tags: ['uploads'],
        summary: 'Ảnh một trang như nhà thầu đã giao (JPEG hoặc PNG)',
        params: idParamsSchema,
        querystring: pageQuerySchema,
        response: { 200: download('ảnh trang', ['image/jpeg', 'image/png']), ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req, reply) => {
        await assertBookInJurisdiction(req, ctx, req.params.id);
        const status = await ctx.books.status(req.params.id);
        const report = await reportOf(status.book, req.params.id);
        const { caseNo, page } = req.query;
        const p = report.pages.find((x) => x.caseNo === caseNo && x.page === page);
        if (!p?.key) throw new ApiError('NotFound', `sổ ${req.params.id} không có ảnh trang ${page} của hồ sơ số ${caseNo}`);
        const store = needStore(ctx);
        const head = await store.head(p.key);
        if (!head) throw new ApiError('NotFound', `ảnh trang ${page} của hồ sơ số ${caseNo} không còn trong kho`);
        const data = await store.getBuffer(p.key);
        // Immutable: an upload's objects never change (a new delivery is a new upload).
        return reply
          .type(data[0] === 0xff ? 'image/jpeg' : 'image/png')
          .header('cache-control', 'private, max-age=86400, immutable')
          .send(data as never);
      },
    });
  };
