import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { C06Format } from '../../activities/c06';
import { newUploadId } from '../../activities/scans/intake';
import type { ArtifactStore } from '../../clients/storage/types';
import { peek, ZIP_MAGIC } from '../../activities/streams';
import { bookSchema, type Book } from '../../domain/book';
import type { BookStatus } from '../../domain/bookState';
import { C06_TYPES, type CandidateBook } from '../../domain/c06';
import { artifactKeys, excelName } from '../../domain/naming';
import { registerTypeOf, registerTypes, typeCodes } from '../../domain/registerTypes';
import { actorOf, assertBookInJurisdiction, holderOfSummary, isRefusal, recordDenied } from '../auth/access';
import { bookAccess, reachOf } from '../../domain/custody';
import type { AppContext } from '../context';
import { ApiError, commonErrors, conflict, errorBodySchema } from '../errors';
import { excelUploadResponseSchema, scansUploadResponseSchema } from '../../contracts/v1';
import { idParamsSchema } from '../schemas/registers';
import { intakeOnWorker } from '../services/c06';
import { mapLimit } from '../services/pool';
import { selectBooks } from '../services/bookIndex';
import { XLSX, uploadError, oneFile } from '../services/requestFiles';
import { takeScans } from '../services/scanIntake';
import { storedName } from '../../clients/storage/keys';

export function needStore(ctx: AppContext): ArtifactStore {
  if (!ctx.store) throw new ApiError('Unavailable', 'chưa cấu hình kho lưu trữ (SOHOA_STORAGE)');
  return ctx.store;
}

/**
 * The book must be at `step`, waiting for work, before a file is taken for it, whether it is submitted
 * at once or kept as a draft (else 409, nothing read): a closed book takes nothing.
 */
export async function bookAtStep(ctx: AppContext, req: FastifyRequest, id: string, step: string): Promise<BookStatus> {
  await assertBookInJurisdiction(req, ctx, id, 'act');
  const status = await ctx.books.status(id);
  if (!(status.step === step && status.phase === 'work')) {
    const closed = status.step === 'done' || status.step === 'withdrawn';
    const reason = closed
      ? `sổ đã ${status.step === 'done' ? 'hoàn thành' : 'rút khỏi kế hoạch'}; không nhận tệp`
      : `sổ đang ở bước ${status.step} (${status.phase}); chỉ nhận tệp ở bước ${step} khi đang chờ thực hiện`;
    const code = closed ? 'BookClosed' : 'WrongStep';
    await recordDenied(req, ctx.denied, 409, code, reason, { bookId: id });
    throw conflict(reason, code);
  }
  return status;
}

const uploadQuery = z.object({
  submit: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('true: báo luôn cho workflow (scansUploaded / excelUploaded); false: giữ làm bản nháp (có hạn số lượng và thời gian)'),
  filename: z.string().max(200).optional().describe('tên tệp khi gửi nội dung thô'),
});

/** What a book's upload can answer besides 200: no book (404), wrong step (409), too large (413), wrong kind (415). */
const bookUploadErrors = { ...commonErrors, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema };

/** Tells the workflow a file is in (idempotent by `updateId`) and says what came of it. */
async function submitUpload(ctx: AppContext, req: FastifyRequest, id: string, action: 'scansUploaded' | 'excelUploaded', payload: Record<string, unknown>, updateId: string) {
  const out = await ctx.books.act(id, action, actorOf(req), payload, updateId, true);
  ctx.metrics.actions.inc({ action, outcome: out.unchanged ? 'unchanged' : 'done' });
  return out.unchanged ? { unchanged: true as const, message: out.message } : { unchanged: false as const, status: out.status };
}

export const uploadRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const maxBytes = ctx.config.SOHOA_MAX_UPLOAD_MB * 1024 * 1024;

    app.route({
      method: 'PUT',
      url: '/api/registers/:id/scans',
      config: { roles: ['contractor', 'clerk'] },
      schema: {
        tags: ['uploads'],
        summary: 'Tải bản quét của sổ: nhiều tệp PDF/JPEG/PNG hoặc một tệp zip (truyền dòng, không giữ trong bộ nhớ)',
        description:
          'multipart/form-data (mỗi tệp một phần; ảnh trang trong thư mục mang tên hồ sơ, ví dụ KS.2017.01.2017-02-03.05/001.jpg) hoặc nội dung thô application/zip. ' +
          'Quá giới hạn: 413; loại tệp khác: 415; sổ không ở bước quét: 409. Lần tải bị ngắt giữa chừng không để lại gì. ' +
          'submit=true (mặc định) gửi luôn thao tác scansUploaded.',
        consumes: ['multipart/form-data', 'application/zip'],
        params: idParamsSchema,
        querystring: uploadQuery,
        response: {
          200: scansUploadResponseSchema,
          ...bookUploadErrors,
        },
      },
      handler: async (req) => {
        const store = needStore(ctx);
        const { id } = req.params;
        const status = await bookAtStep(ctx, req, id, 'scan');
        if (!req.query.submit) await ctx.drafts?.assertRoom(id);
        const result = await takeScans(ctx, store, req, status.book);
        req.log.info({ upload: result }, 'nhận bản quét');
        if (!req.query.submit) {
          await ctx.drafts?.add({ bookId: id, uploadId: result.uploadId, kind: 'scans', prefix: result.uploadPrefix, by: actorOf(req).userId });
          return result;
        }
        return { ...result, action: await submitUpload(ctx, req, id, 'scansUploaded', { uploadPrefix: result.uploadPrefix }, `scans:${result.uploadId}`) };
      },
    });

    app.route({
      method: 'PUT',
      url: '/api/registers/:id/excel',
      config: { roles: ['contractor', 'clerk'] },
      schema: {
        tags: ['uploads'],
        summary: 'Tải tệp Excel dữ liệu của sổ (.xlsx theo mẫu /api/templates/{loại}.xlsx)',
        description: 'multipart/form-data trường `file` hoặc nội dung thô (Content-Type xlsx). Lưu nguyên tử: bị ngắt giữa chừng thì không lưu gì. submit=true gửi luôn excelUploaded.',
        consumes: ['multipart/form-data', XLSX],
        params: idParamsSchema,
        querystring: uploadQuery,
        response: {
          200: excelUploadResponseSchema,
          ...bookUploadErrors,
        },
      },
      handler: async (req) => {
        const store = needStore(ctx);
        const { id } = req.params;
        const status = await bookAtStep(ctx, req, id, 'excel');
        if (!req.query.submit) await ctx.drafts?.assertRoom(id);
        const budget = { used: 0, max: maxBytes };
        const file = await oneFile(req, budget, excelName(status.book));
        if (!/\.xlsx$/i.test(file.name)) {
          file.body.resume();
          throw new ApiError('UnsupportedMediaType', `${file.name}: chỉ nhận tệp .xlsx`, [{ path: file.name, message: 'không phải .xlsx' }]);
        }
        const [head, whole] = await peek(file.body, 4);
        if (!head.equals(ZIP_MAGIC)) {
          whole.resume();
          throw new ApiError('UnsupportedMediaType', `${file.name}: không phải tệp Excel .xlsx (nội dung không đúng định dạng)`, [{ path: file.name, message: 'không phải .xlsx' }]);
        }
        const uploadId = newUploadId();
        const folder = `${artifactKeys(status.book).prefix}/excel/${uploadId}`;
        // Kept under the name it was uploaded with: the validation's messages name the clerk's own file.
        const excelKey = `${folder}/${storedName(file.name, '.xlsx', excelName(status.book))}`;
        let stored;
        try {
          stored = await store.put(excelKey, whole, { contentType: XLSX });
        } catch (e) {
          await store.delete(excelKey).catch(() => undefined);
          throw uploadError(e, maxBytes, file.name);
        }
        req.log.info({ excelKey, bytes: stored.bytes }, 'nhận tệp Excel');
        const result = { excelKey, sha256: stored.sha256, bytes: stored.bytes };
        if (!req.query.submit) {
          await ctx.drafts?.add({ bookId: id, uploadId, kind: 'excel', prefix: folder, by: actorOf(req).userId });
          return result;
        }
        return { ...result, action: await submitUpload(ctx, req, id, 'excelUploaded', { excelKey, sha256: stored.sha256 }, `excel:${uploadId}`) };
      },
    });

    app.route({
      method: 'POST',
      url: '/api/c06/batches',
      config: { roles: ['c06', 'clerk'] },
      schema: {
        tags: ['uploads'],
        summary: 'Nhận một lô dữ liệu C06 bàn giao (.xlsx hoặc .csv): khớp dòng với sổ cấp xã, giao cho các sổ đang ở bước C06',
        description:
          'Lô được lưu theo sha256: gửi lại cùng lô không ghi lại gì và chỉ giao cho các sổ mới tới bước C06. ' +
          'Mỗi sổ khớp được trả lời: done, unchanged, refused (kèm lý do, ví dụ sổ chưa tới bước C06).',
        consumes: ['multipart/form-data', 'text/csv', XLSX],
        querystring: z.object({
          filename: z.string().max(200).optional(),
          type: z.enum([...registerTypes, ...typeCodes] as [string, ...string[]]).optional().describe('loại sổ khi tệp không tự cho biết'),
        }),
        response: {
          200: z.object({
            batchRef: z.string(),
            unchanged: z.boolean(),
            rows: z.number(),
            matched: z.array(z.object({ id: z.string(), rows: z.number(), result: z.enum(['done', 'unchanged', 'refused']), reason: z.string().optional() })),
            unmatched: z.array(z.object({ row: z.number(), reason: z.string() })),
            ambiguous: z.array(z.object({ row: z.number(), reason: z.string(), workflowIds: z.array(z.string()) })),
            corrections: z.looseObject({ total: z.number(), corrected: z.number(), flagged: z.number() }),
            unknownColumns: z.array(z.string()),
            reportKey: z.string(),
          }),
          ...commonErrors,
          413: errorBodySchema,
          415: errorBodySchema,
        },
      },
      handler: async (req) => {
        const store = needStore(ctx);
        const actor = actorOf(req);
        const budget = { used: 0, max: maxBytes };
        const file = await oneFile(req, budget, 'c06.csv');
        const format: C06Format | undefined = /\.xlsx$/i.test(file.name) || file.contentType.includes('spreadsheetml') ? 'xlsx' : /\.csv$/i.test(file.name) || file.contentType.startsWith('text/csv') ? 'csv' : undefined;
        if (!format) {
          file.body.resume();
          throw new ApiError('UnsupportedMediaType', `${file.name}: chỉ nhận .xlsx hoặc .csv`, [{ path: file.name, message: 'kiểu tệp không được hỗ trợ' }]);
        }
        const type = req.query.type ? registerTypeOf(req.query.type) : undefined;
        // Candidates: the caller's commune books of the C06 types, whatever their step (so rows match the right book),
        // from the read model (a province's thousands of books, not listed page by page for every batch).
        const reach = reachOf(ctx.units, actor);
        const candidates = (await selectBooks(ctx, actor, { level: ['commune'], type: [...C06_TYPES], status: 'running' }))
          .map((b): CandidateBook | undefined => {
            const agency = b.agencyCode ? ctx.units.findAgency(b.agencyCode) : undefined;
            if (!agency || !bookAccess(reach, holderOfSummary(ctx.units, b, agency), agency).act) return undefined;
            const book = bookSchema.safeParse({ agency, type: b.type, bookNo: b.bookNo, yearFrom: b.yearFrom, yearTo: b.yearTo ?? b.yearFrom });
            return book.success ? { workflowId: b.id, book: book.data as Book } : undefined;
          })
          .filter((c): c is CandidateBook => !!c);
        const intake = await intakeOnWorker(ctx, store, actor, { ...file, format, ...(type ? { type } : {}) }, candidates, budget);
        // Only the caller's books are acted on as the caller (the batch was matched against them only).
        const ours = new Set(candidates.map((c) => c.workflowId));
        const mine = intake.matched.filter((m) => ours.has(m.workflowId));
        const matched = await mapLimit(mine, 8, async (m) => {
          try {
            // No update id here: a book sent back to the C06 step must be able to take the same batch again.
            const out = await ctx.books.act(m.workflowId, 'c06Received', actor, { batchRef: intake.batchRef, records: m.rows, rowsKey: m.key, sha256: m.sha256 }, `c06:${intake.batchRef}`);
            return { id: m.workflowId, rows: m.rows, result: out.unchanged ? ('unchanged' as const) : ('done' as const), ...(out.unchanged ? { reason: out.message } : {}) };
          } catch (e) {
            if (!(e instanceof ApiError)) {
              req.log.error({ err: e, bookId: m.workflowId }, 'lô C06: lỗi hệ thống');
              return { id: m.workflowId, rows: m.rows, result: 'refused' as const, reason: `lỗi hệ thống; chi tiết được ghi trong nhật ký máy chủ với mã yêu cầu ${req.id}` };
            }
            if (isRefusal(e)) await recordDenied(req, ctx.denied, e.status, e.code, e.message, { bookId: m.workflowId, action: 'c06Received', perBook: true });
            return { id: m.workflowId, rows: m.rows, result: 'refused' as const, reason: e.message };
          }
        });
        req.log.info({ batchRef: intake.batchRef, rows: intake.rows, matched: matched.length }, 'nhận lô C06');
        return {
          batchRef: intake.batchRef,
          unchanged: intake.unchanged,
          rows: intake.rows,
          matched,
          unmatched: intake.unmatched,
          ambiguous: intake.ambiguous,
          corrections: intake.corrections,
          unknownColumns: intake.unknownColumns,
          reportKey: intake.reportKey,
        };
      },
    });
  };
