import { ApplicationFailure } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createExcelActivities } from '../../activities/excel';
import { storageKeySchema } from '../../domain/actions';
import type { Book } from '../../domain/book';
import { artifactKeys } from '../../domain/naming';
import { actorOf } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, commonErrors, errorBodySchema, fromFailure } from '../errors';
import { actionResponseSchema } from '../../contracts/v1';
import { idParamsSchema } from '../schemas/registers';
import { bookAtStep, needStore } from './uploads';

/**
 * Double entry, as data-entry vendors work: two independent transcriptions of a book are uploaded
 * (`PUT …/excel?submit=false`, twice), compared field by field after normalisation, and a checker
 * resolves each difference; the resolved workbook is the one that goes on to validation.
 */
const entriesSchema = z.object({
  firstKey: storageKeySchema.describe('excelKey của lần nhập thứ nhất'),
  secondKey: storageKeySchema.describe('excelKey của lần nhập thứ hai'),
});
const differenceSchema = z.object({ row: z.number(), so: z.string(), column: z.string(), first: z.string(), second: z.string() });

/** Both entries must be this book's uploads: a key elsewhere in the store is refused. */
function checkKeys(book: Book, keys: z.infer<typeof entriesSchema>) {
  const prefix = `${artifactKeys(book).prefix}/excel/`;
  for (const [field, key] of Object.entries(keys)) {
    if (!key.startsWith(prefix)) throw new ApiError('BadRequest', `${field}: không phải tệp Excel đã tải lên của sổ này`, [{ path: field, message: `phải bắt đầu bằng ${prefix}` }]);
  }
}

/** Bad input of the Excel activities (unreadable entry, undecided differences) is the caller's: 400. */
async function asRequestError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ApplicationFailure) throw fromFailure(e, 'excel');
    throw e;
  }
}

export const doubleEntryRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.route({
      method: 'POST',
      url: '/api/registers/:id/excel/compare',
      config: { roles: ['contractor', 'clerk'] },
      schema: {
        tags: ['uploads'],
        summary: 'So sánh hai lần nhập Excel độc lập của sổ (nhập kép), từng trường sau khi chuẩn hóa',
        params: idParamsSchema,
        body: entriesSchema,
        response: {
          200: z.object({ differenceCount: z.number(), diffKey: z.string(), differences: z.array(differenceSchema) }),
          ...commonErrors,
          404: errorBodySchema,
          // Only at the Excel step, waiting for work; a closed book takes nothing.
          409: errorBodySchema,
        },
      },
      handler: async (req) => {
        const status = await bookAtStep(ctx, req, req.params.id, 'excel');
        checkKeys(status.book, req.body);
        const { compareEntries } = createExcelActivities({ store: needStore(ctx) });
        const r = await asRequestError(() => compareEntries({ book: status.book, ...req.body }));
        return { differenceCount: r.differenceCount, diffKey: r.diffKey, differences: r.sample };
      },
    });

    app.route({
      method: 'POST',
      url: '/api/registers/:id/excel/resolve',
      config: { roles: ['clerk'] },
      schema: {
        tags: ['uploads'],
        summary: 'Người kiểm tra chọn hoặc nhập giá trị cho từng khác biệt; tệp đã thống nhất được gửi đi kiểm tra',
        params: idParamsSchema,
        body: entriesSchema.extend({
          resolutions: z.array(z.object({ so: z.string().min(1), column: z.string().min(1), value: z.string() })).max(100_000),
          submit: z.boolean().default(true).describe('true: báo luôn excelUploaded với tệp đã thống nhất'),
        }),
        response: {
          200: z.object({ resolvedKey: z.string(), sha256: z.string(), rows: z.number(), applied: z.number(), action: actionResponseSchema.optional() }),
          ...commonErrors,
          404: errorBodySchema,
          409: errorBodySchema,
        },
      },
      handler: async (req) => {
        const { id } = req.params;
        const { firstKey, secondKey, resolutions, submit } = req.body;
        const status = await bookAtStep(ctx, req, id, 'excel');
        checkKeys(status.book, { firstKey, secondKey });
        const { resolveEntries } = createExcelActivities({ store: needStore(ctx) });
        const resolvedKey = `${firstKey.replace(/\/[^/]+$/, '')}/resolved.xlsx`;
        const r = await asRequestError(() => resolveEntries({ book: status.book, firstKey, secondKey, resolutions, resolvedKey }));
        const result = { resolvedKey: r.resolvedKey, sha256: r.sha256, rows: r.rows, applied: r.applied };
        if (!submit) return result;
        const out = await ctx.books.act(id, 'excelUploaded', actorOf(req), { excelKey: r.resolvedKey, sha256: r.sha256 }, `excel-resolved:${r.sha256}`, true);
        await ctx.drafts?.submitted(id, [firstKey, secondKey]);
        return { ...result, action: out.unchanged ? { unchanged: true, message: out.message } : { unchanged: false, status: out.status } };
      },
    });
  };
