import type { MultipartFile } from '@fastify/multipart';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { intakeC06Batch, type C06Format } from '../../activities/c06';
import { buildTemplate } from '../../activities/excel/template';
import { intakeScans, IntakeError, newUploadId, type IntakeFile } from '../../activities/scans/intake';
import type { ArtifactStore } from '../../clients/storage/types';
import { byteMeter, peek, ZIP_MAGIC } from '../../activities/streams';
import { actorCovers } from '../../domain/actors';
import { bookSchema, type Book } from '../../domain/book';
import type { BookStatus } from '../../domain/bookState';
import type { CandidateBook } from '../../domain/c06';
import { findAgency } from '../../domain/data/quangNam';
import { artifactKeys, excelName } from '../../domain/naming';
import { registerTypeOf, registerTypes, typeCodes, type RegisterType } from '../../domain/registerTypes';
import { actorOf, assertBookInJurisdiction, recordDenied } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, badRequest, commonErrors, conflict, errorBodySchema } from '../errors';
import { actionResponseSchema, idParamsSchema } from '../schemas/registers';
import { inventoryTemplate } from '../services/inventory';
import { mapLimit } from '../services/pool';
import { buildQuery } from '../../clients/temporal/visibilityQuery';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SCAN_EXTS = /\.(pdf|jpe?g|png|zip)$/i;

class TooLarge extends ApiError {
  constructor(max: number, what: string) {
    super('PayloadTooLarge', `${what} vượt quá giới hạn ${Math.round(max / 1024 / 1024)} MB (SOHOA_MAX_UPLOAD_MB)`, [{ path: what, message: 'quá lớn' }]);
  }
}

function metered(body: Readable, budget: { used: number; max: number }, what: string): Readable {
  // Counts the request's bytes across all its files and stops past the limit (413).
  const m = byteMeter(budget, () => new TooLarge(budget.max, what));
  // A broken request (client gone, file over the multipart limit) fails the metered stream, so the store write fails too.
  pipeline(body, m).catch((e: unknown) => m.destroy(e as Error));
  return m;
}

function fileTooLarge(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'FST_REQ_FILE_TOO_LARGE' || (e as { statusCode?: number } | null)?.statusCode === 413;
}

/** What a failed upload answers: our own errors as they are, the multipart limit's error as our 413. */
function uploadError(e: unknown, max: number, what: string): unknown {
  return !(e instanceof ApiError) && fileTooLarge(e) ? new TooLarge(max, what) : e;
}

/** The files of a request: each multipart file part, or the raw body as one file (a zip). */
async function* requestFiles(req: FastifyRequest, budget: { used: number; max: number }, allowed: RegExp, fallbackName: string): AsyncGenerator<IntakeFile> {
  if (req.isMultipart()) {
    for await (const part of req.files({ limits: { fileSize: budget.max } }) as AsyncIterable<MultipartFile>) {
      const name = part.filename || part.fieldname;
      if (!allowed.test(name)) {
        part.file.resume();
        throw new ApiError('UnsupportedMediaType', `${name}: loại tệp không được nhận`, [{ path: name, message: `chỉ nhận ${allowed.source}` }]);
      }
      yield { name, body: metered(part.file, budget, name) };
    }
    return;
  }
  const body = req.body as Readable | undefined;
  if (!body || typeof body.pipe !== 'function') {
    throw new ApiError('UnsupportedMediaType', 'gửi tệp dạng multipart/form-data hoặc nội dung thô (application/zip, application/octet-stream)', [
      { path: 'content-type', message: String(req.headers['content-type'] ?? 'không có') },
    ]);
  }
  const name = (req.query as { filename?: string }).filename ?? fallbackName;
  if (!allowed.test(name)) throw new ApiError('UnsupportedMediaType', `${name}: loại tệp không được nhận`, [{ path: name, message: `chỉ nhận ${allowed.source}` }]);
  yield { name, body: metered(body, budget, name) };
}

/** One file of a request (multipart or raw), streamed; the caller consumes it. */
async function oneFile(req: FastifyRequest, budget: { used: number; max: number }, fallbackName: string): Promise<{ name: string; contentType: string; body: Readable }> {
  if (req.isMultipart()) {
    const part = await req.file({ limits: { fileSize: budget.max, files: 1 } });
    if (!part) throw badRequest('thiếu tệp (trường "file" của multipart/form-data)', [{ path: 'file', message: 'thiếu tệp' }]);
    return { name: part.filename || fallbackName, contentType: part.mimetype, body: metered(part.file, budget, part.filename || fallbackName) };
  }
  const body = req.body as Readable | undefined;
  if (!body || typeof body.pipe !== 'function') {
    throw new ApiError('UnsupportedMediaType', 'gửi tệp dạng multipart/form-data (trường "file") hoặc nội dung thô với Content-Type của tệp', [
      { path: 'content-type', message: String(req.headers['content-type'] ?? 'không có') },
    ]);
  }
  const name = (req.query as { filename?: string }).filename ?? fallbackName;
  return { name, contentType: String(req.headers['content-type'] ?? ''), body: metered(body, budget, name) };
}

export function needStore(ctx: AppContext): ArtifactStore {
  if (!ctx.store) throw new ApiError('Unavailable', 'chưa cấu hình kho lưu trữ (SOHOA_STORAGE)');
  return ctx.store;
}

/** The book must be at `step`, waiting for work, before a file is taken for it (else 409, nothing read). */
export async function bookAtStep(ctx: AppContext, req: FastifyRequest, id: string, step: string, submit: boolean): Promise<BookStatus> {
  await assertBookInJurisdiction(req, ctx.denied, id);
  const status = await ctx.books.status(id);
  if (submit && !(status.step === step && status.phase === 'work')) {
    const reason = `sổ đang ở bước ${status.step} (${status.phase}); chỉ nhận tệp ở bước ${step} khi đang chờ thực hiện`;
    await recordDenied(req, ctx.denied, 409, 'WrongStep', reason, { bookId: id });
    throw conflict(reason, 'WrongStep');
  }
  return status;
}

const uploadQuery = z.object({
  submit: z.enum(['true', 'false']).default('true').transform((v) => v === 'true').describe('true: báo luôn cho workflow (scansUploaded / excelUploaded)'),
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

const C06_TYPES: RegisterType[] = ['birth', 'marriage', 'death', 'adoption'];

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
          200: z.object({ uploadId: z.string(), uploadPrefix: z.string(), files: z.number(), bytes: z.number(), action: actionResponseSchema.optional() }),
          ...bookUploadErrors,
        },
      },
      handler: async (req) => {
        const store = needStore(ctx);
        const { id } = req.params;
        const status = await bookAtStep(ctx, req, id, 'scan', req.query.submit);
        const budget = { used: 0, max: maxBytes };
        let result;
        try {
          result = await intakeScans(store, { book: status.book, files: requestFiles(req, budget, SCAN_EXTS, 'ban-quet.zip'), maxBytes });
        } catch (e) {
          if (e instanceof IntakeError) {
            throw new ApiError(e.code, e.message, e.details);
          }
          if (fileTooLarge(e)) throw new TooLarge(maxBytes, 'tệp');
          throw e;
        }
        req.log.info({ upload: result }, 'nhận bản quét');
        if (!req.query.submit) return result;
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
          200: z.object({ excelKey: z.string(), sha256: z.string(), bytes: z.number(), action: actionResponseSchema.optional() }),
          ...bookUploadErrors,
        },
      },
      handler: async (req) => {
        const store = needStore(ctx);
        const { id } = req.params;
        const status = await bookAtStep(ctx, req, id, 'excel', req.query.submit);
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
        const excelKey = `${artifactKeys(status.book).prefix}/excel/${uploadId}/${excelName(status.book)}`;
        let stored;
        try {
          stored = await store.put(excelKey, whole, { contentType: XLSX });
        } catch (e) {
          await store.delete(excelKey).catch(() => undefined);
          throw uploadError(e, maxBytes, file.name);
        }
        req.log.info({ excelKey, bytes: stored.bytes }, 'nhận tệp Excel');
        const result = { excelKey, sha256: stored.sha256, bytes: stored.bytes };
        if (!req.query.submit) return result;
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
        // Candidates: the caller's commune books of the C06 types, whatever their step (so rows match the right book).
        const candidates = (await ctx.books.listAll(buildQuery(actor, { level: ['commune'], type: C06_TYPES, status: 'running' })))
          .map((b): CandidateBook | undefined => {
            const agency = b.agencyCode ? findAgency(b.agencyCode) : undefined;
            if (!agency || !actorCovers(actor, agency)) return undefined;
            const book = bookSchema.safeParse({ agency, type: b.type, bookNo: b.bookNo, yearFrom: b.yearFrom, yearTo: b.yearTo ?? b.yearFrom });
            return book.success ? { workflowId: b.id, book: book.data as Book } : undefined;
          })
          .filter((c): c is CandidateBook => !!c);
        let intake;
        try {
          intake = await intakeC06Batch({ store, batch: { stream: file.body, format, fileName: file.name, ...(type ? { type } : {}) }, candidates });
        } catch (e) {
          if (e instanceof ApplicationFailure) throw new ApiError('BadRequest', e.message, [{ path: file.name, message: e.message }]);
          throw uploadError(e, maxBytes, file.name);
        }
        const matched = await mapLimit(intake.matched, 8, async (m) => {
          try {
            // No update id here: a book sent back to the C06 step must be able to take the same batch again.
            const out = await ctx.books.act(m.workflowId, 'c06Received', actor, { batchRef: intake.batchRef, records: m.rows, rowsKey: m.key, sha256: m.sha256 }, `c06:${intake.batchRef}`);
            return { id: m.workflowId, rows: m.rows, result: out.unchanged ? ('unchanged' as const) : ('done' as const), ...(out.unchanged ? { reason: out.message } : {}) };
          } catch (e) {
            return { id: m.workflowId, rows: m.rows, result: 'refused' as const, reason: (e as Error).message };
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

    app.route({
      method: 'GET',
      url: '/api/templates/inventory.xlsx',
      schema: { tags: ['uploads'], summary: 'Mẫu danh mục sổ (.xlsx) để nhập bằng /api/registers/import', response: commonErrors },
      handler: async (_req, reply) =>
        reply.type(XLSX).header('content-disposition', 'attachment; filename="danh-muc-so.xlsx"').send((await inventoryTemplate()) as never),
    });

    app.route({
      method: 'GET',
      url: '/api/templates/:file',
      schema: {
        tags: ['uploads'],
        summary: 'Mẫu Excel nhập liệu theo loại sổ, ví dụ /api/templates/KS.xlsx hoặc /api/templates/birth.xlsx',
        params: z.object({ file: z.string().regex(/^[A-Za-z]+\.xlsx$/, 'dạng {loại}.xlsx, ví dụ KS.xlsx') }),
        response: { ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req, reply) => {
        const name = req.params.file.replace(/\.xlsx$/i, '');
        const type = registerTypeOf(name);
        if (!type) throw new ApiError('NotFound', `không có mẫu cho loại sổ "${name}"; dùng ${typeCodes.join(', ')} hoặc inventory`);
        const buf = await buildTemplate(type);
        return reply.type(XLSX).header('content-disposition', `attachment; filename="mau-${name}.xlsx"`).send(buf as never);
      },
    });

    app.route({
      method: 'GET',
      url: '/api/registers/:id/files',
      schema: {
        tags: ['uploads'],
        summary: 'Các tệp của sổ trong kho lưu trữ (bản quét đã tải, PDF, zip, manifest, Excel, báo lỗi)',
        params: idParamsSchema,
        response: { 200: z.object({ items: z.array(z.object({ key: z.string(), bytes: z.number(), sha256: z.string() })) }), ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req) => {
        const store = needStore(ctx);
        await assertBookInJurisdiction(req, ctx.denied, req.params.id);
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
        response: { ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req, reply) => {
        const store = needStore(ctx);
        await assertBookInJurisdiction(req, ctx.denied, req.params.id);
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
