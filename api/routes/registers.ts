import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseWorkflowId } from '../../domain/book';
import { byCodeUnits } from '../../domain/text';
import { statusFromMemo } from '../../domain/memo';
import { statusUnderPlan, summaryUnderPlan } from '../../domain/planDeadline';
import { actorOf, agencyOfBookId, assertBookInJurisdiction, assertReaches, holderOfSummary } from '../auth/access';
import type { AppContext } from '../context';
import { ApiError, commonErrors, download, errorBodySchema, notFound } from '../errors';
import { listQuerySchema, type ListQuery } from '../../contracts/v1/filters';
import { csvLine } from '../../contracts/v1/cells';
import { Readable } from 'node:stream';
import type { Units } from '../../domain/units';
import { REGISTER_TYPES } from '../../domain/registerTypes';
import { STEP_LABELS_VI } from '../../domain/plan';
import { bookStatusSchema, createResponseSchema, jobAcceptedSchema, jobViewSchema, listResponseSchema, type RegisterSummary, type ResultSummary } from '../../contracts/v1';
import { createBodyLooseSchema, createBodySchema, idParamsSchema } from '../schemas/registers';
import { viewOfJob } from '../schemas/jobs';
import { formatOf, MAX_INVENTORY_BYTES } from '../../activities/inventory';
import { readInventoryOnWorker } from '../services/inventory';
import { safeTextValidatorCompiler } from '../schemas/text';
import { registerItems } from '../services/registration';
import { oneFile } from '../services/requestFiles';
import { needStore } from './uploads';
import { buildQuery, quote } from '../../clients/temporal/visibilityQuery';
import { fromBooks } from '../services/bookIndex';
import { textMatcher } from '../services/textSearch';

const CREATORS = ['manager', 'clerk'] as const;

export const registerRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.route({
      method: 'POST',
      url: '/api/registers',
      config: { roles: CREATORS },
      schema: {
        tags: ['registers'],
        summary: 'Tạo một hoặc nhiều sổ (khởi tạo workflow, không trùng lặp)',
        description: 'Mỗi sổ được trả lời riêng: created, existing (đã có, kể cả đã xong), rejected kèm lý do. Một sổ sai không chặn các sổ khác.',
        body: createBodySchema,
        response: { 200: createResponseSchema, ...commonErrors },
      },
      // Only the list's shape is checked up front; items are checked one by one (a bad item is rejected, the others go on).
      validatorCompiler: (route) => safeTextValidatorCompiler({ ...route, schema: (route.httpPart === 'body' ? createBodyLooseSchema : route.schema) as never }),
      handler: async (req) => {
        const actor = actorOf(req);
        const items = (req.body as { items: unknown[] }).items;
        const out = await registerItems(ctx.books, ctx.units, actor, items);
        countStarts(ctx, out.items);
        req.log.info({ summary: out.summary }, 'tạo sổ');
        return out;
      },
    });

    app.route({
      method: 'POST',
      url: '/api/registers/import',
      config: { roles: CREATORS },
      schema: {
        tags: ['registers'],
        summary: 'Nhập danh mục sổ từ tệp .xlsx hoặc .csv (mẫu: /api/templates/inventory.xlsx)',
        description:
          'Gửi multipart/form-data trường `file`, hoặc nội dung thô (Content-Type text/csv hoặc xlsx, tên tệp trong `filename`). ' +
          'Mỗi dòng được trả lời (row = số dòng trong tệp). Với `wait=false` trả về 202 và mã công việc; tiến độ ở GET /api/jobs/{jobId}.',
        consumes: ['multipart/form-data', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        querystring: z.object({
          wait: z.enum(['true', 'false']).default('true').transform((v) => v === 'true').describe('false: trả về ngay mã công việc'),
          filename: z.string().max(200).optional().describe('tên tệp khi gửi nội dung thô'),
          concurrency: z.coerce.number().int().min(1).max(64).default(8).describe('số workflow khởi tạo cùng lúc'),
        }),
        response: { 200: createResponseSchema, 202: jobAcceptedSchema, ...commonErrors, 413: errorBodySchema, 415: errorBodySchema },
      },
      handler: async (req, reply) => {
        const actor = actorOf(req);
        const store = needStore(ctx);
        const budget = { used: 0, max: MAX_INVENTORY_BYTES, setting: 'giới hạn của một danh mục' };
        const file = await oneFile(req, budget, req.query.filename ?? 'danh-muc.csv');
        const format = formatOf(file.name, file.contentType);
        if (!format) {
          file.body.resume();
          throw new ApiError('UnsupportedMediaType', `tệp ${file.name}: chỉ nhận .xlsx hoặc .csv`, [{ path: file.name, message: 'kiểu tệp không được hỗ trợ' }]);
        }
        const rows = await readInventoryOnWorker(ctx, store, file, format, budget);
        if (!rows.length) throw new ApiError('BadRequest', `tệp ${file.name} không có dòng dữ liệu nào`, [{ path: file.name, message: 'không có dòng dữ liệu' }]);
        req.log.info({ file: file.name, rows: rows.length }, 'nhập danh mục');
        const job = ctx.jobs.start({ kind: 'import', owner: actor.userId, total: rows.length }, async (progress) => {
          const out = await registerItems(ctx.books, ctx.units, actor, rows.map((r) => ('item' in r ? r.item : undefined)), {
            refused: rows.map((r) => ('rejected' in r ? r.rejected : undefined)),
            rows: rows.map((r) => r.row),
            concurrency: req.query.concurrency,
            onProgress: (done) => progress(done),
          });
          countStarts(ctx, out.items);
          return { summary: out.summary, results: out.items };
        });
        if (!req.query.wait) return reply.code(202).send({ jobId: job.id, total: job.total, statusUrl: `/api/jobs/${job.id}` });
        await job.finished;
        if (job.state === 'failed') throw job.cause;
        return { summary: job.summary as ResultSummary, items: job.results ?? [] };
      },
    });

    app.route({
      method: 'GET',
      url: '/api/jobs/:jobId',
      schema: {
        tags: ['registers', 'bulk'],
        summary: 'Tiến độ và kết quả của một công việc (nhập danh mục, thao tác hàng loạt)',
        params: z.object({ jobId: z.uuid() }),
        querystring: z.object({ results: z.enum(['true', 'false']).default('true').transform((v) => v === 'true') }),
        response: { 200: jobViewSchema, ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req) => {
        const job = ctx.jobs.get(req.params.jobId);
        const actor = actorOf(req);
        if (!job || (job.owner !== actor.userId && actor.role !== 'admin')) throw notFound(`không có công việc ${req.params.jobId}`);
        return viewOfJob(job, req.query.results);
      },
    });

    app.route({
      method: 'GET',
      url: '/api/registers',
      schema: {
        tags: ['registers'],
        summary: 'Danh sách sổ trong phạm vi của người dùng, có lọc, phân trang, sắp xếp',
        description:
          'Lọc bằng thuộc tính tìm kiếm của Temporal, trả lời từ mô hình đọc của API (cập nhật theo thay đổi của workflow mỗi giây; ' +
          'lúc API vừa khởi động: từ visibility). Mặc định (sort=started) phân trang bằng pageToken; các cách sắp xếp khác và tìm kiếm q dùng offset.',
        querystring: listQuerySchema,
        response: { 200: listResponseSchema, ...commonErrors },
      },
      handler: async (req) => listBooks(ctx, actorOf(req), req.query),
    });

    app.route({
      method: 'GET',
      url: '/api/registers/export.csv',
      schema: {
        tags: ['registers'],
        summary: 'Xuất danh sách sổ (CSV, UTF-8) theo bộ lọc, trong phạm vi của người dùng',
        description: 'Cùng bộ lọc, tìm kiếm và thứ tự với GET /api/registers (không phân trang); từ mô hình đọc của API, gửi dần từng phần.',
        querystring: exportQuerySchema,
        response: { 200: download('danh sách sổ (.csv)', ['text/csv']), ...commonErrors },
      },
      handler: async (req, reply) => {
        const books = await sortedBooks(ctx, actorOf(req), req.query);
        const units = ctx.units;
        function* lines() {
          yield '\uFEFF' + csvLine(EXPORT_HEADER);
          for (let i = 0; i < books.length; i += 500) yield books.slice(i, i + 500).map((b) => csvLine(exportRow(units, b))).join('');
        }
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="danh-sach-so.csv"`)
          .send(Readable.from(lines()) as never);
      },
    });

    app.route({
      method: 'GET',
      url: '/api/registers/:id',
      schema: {
        tags: ['registers'],
        summary: 'Trạng thái đầy đủ của một sổ (từ memo workflow công bố; sổ tạo trước phiên bản mã 2: truy vấn status, sổ chưa đổi trả từ bộ nhớ đệm)',
        params: idParamsSchema,
        response: { 200: bookStatusSchema, ...commonErrors, 404: errorBodySchema },
      },
      handler: async (req, reply) => {
        const json = await statusJsonOf(req, ctx, req.params.id);
        return reply.type('application/json; charset=utf-8').send(json as never);
      },
    });
  };

/**
 * A book's status as JSON. A book the read model knows unchanged since its status was last answered
 * (same `stateVersion`) answers from the cache, access checked against the read model's holder: no call
 * to Temporal. A change made elsewhere shows once the read model has looked (SOHOA_INDEX_POLL_MS); this
 * API's own actions drop the book's answer at once. Otherwise the access check's describe brings the
 * status the book published with its last change (memo), or, for a book started before code version 2,
 * the workflow's own JSON is passed through (the route's schema documents both).
 */
async function statusJsonOf(req: FastifyRequest, ctx: AppContext, id: string): Promise<Buffer> {
  const plan = ctx.plan.now();
  // A book that follows the plan shows the plan's deadline as it is now: an answer is kept for one plan
  // deadline, until the next moment a book turns overdue under it.
  const underPlan = (version: string | undefined) => version && `${version}|${ctx.index.planKey(plan)}`;
  const known = ctx.index.known(id);
  const cached = known?.version ? ctx.books.cachedStatus(id, underPlan(known.version)!) : undefined;
  if (known && cached) {
    const agency = agencyOfBookId(ctx.units, id);
    await assertReaches(req, ctx, id, agency, holderOfSummary(ctx.units, known.summary, agency), 'see');
    return cached;
  }
  const askedAt = Date.now();
  const { version, memo } = await assertBookInJurisdiction(req, ctx, id);
  const status = statusFromMemo(memo, Date.now());
  if (!status) return ctx.books.statusJson(id, underPlan(version), askedAt);
  const json = Buffer.from(JSON.stringify(statusUnderPlan(status, plan)));
  ctx.books.rememberStatus(id, underPlan(version), json, askedAt);
  return json;
}

function countStarts(ctx: AppContext, items: Array<{ result: string }>) {
  for (const i of items) ctx.metrics.starts.inc({ result: i.result });
}

const SORTERS: Record<Exclude<ListQuery['sort'], 'started'> | 'started', (b: RegisterSummary) => number> = {
  started: (b) => Date.parse(b.startedAt),
  deadline: (b) => (b.deadline ? Date.parse(b.deadline) : Infinity),
  priority: (b) => b.priority ?? 3,
  yearFrom: (b) => b.yearFrom ?? 0,
  updated: (b) => (b.updatedAt ? Date.parse(b.updatedAt) : 0),
};

/** Newest first, then by id: the default order of the read model's keyset pages. */
const newestFirst = (a: RegisterSummary, b: RegisterSummary) => byCodeUnits(b.startedAt, a.startedAt) || byCodeUnits(b.id, a.id);

export async function listBooks(ctx: AppContext, actor: Parameters<typeof buildQuery>[1], q: ListQuery) {
  const id = q.q && parseWorkflowId(q.q) ? q.q : undefined;
  const plan = ctx.plan.now();
  const query = buildQuery(ctx.units, actor, q, plan) + (id ? ` AND WorkflowId = ${quote(id)}` : '');
  const order = q.order ?? (q.sort === 'started' ? 'desc' : 'asc');
  if (q.sort === 'started' && order === 'desc' && !q.q && q.offset === undefined) {
    const token = q.pageToken ? ctx.books.openPageToken(q.pageToken) : undefined;
    // Temporal's pages until the read model is loaded (and for a token Temporal gave); then keyset pages
    // of the read model, which stay right while books are added (after the last book seen, not at an offset).
    if (!ctx.index.ready || (token && 'temporal' in token)) {
      const page = await ctx.books.listPage(query, q.pageSize, q.pageToken);
      return { ...page, items: page.items.map((b) => summaryUnderPlan(b, plan)), query };
    }
    const after = token && 'after' in token ? token.after : undefined;
    const sorted = await sortedBooks(ctx, actor, q);
    const from = after ? sorted.findIndex((b) => newestFirst(b, { startedAt: after.startedAt, id: after.id } as RegisterSummary) > 0) : 0;
    const items = from < 0 ? [] : sorted.slice(from, from + q.pageSize);
    const more = from >= 0 && from + items.length < sorted.length;
    return { items, total: sorted.length, ...(more ? { nextPageToken: ctx.books.sealAfter(items.at(-1)!) } : {}), query };
  }
  const sorted = await sortedBooks(ctx, actor, q);
  const offset = q.offset ?? 0;
  const items = sorted.slice(offset, offset + q.pageSize);
  const next = offset + items.length;
  return { items, total: sorted.length, ...(next < sorted.length ? { nextOffset: next } : {}), query };
}

/** The books a caller sees under a list's filters, text search and order (the read model's, kept until a book changes; or visibility's while it loads). */
function sortedBooks(ctx: AppContext, actor: Parameters<typeof buildQuery>[1], q: ExportQuery): Promise<readonly RegisterSummary[]> {
  const id = q.q && parseWorkflowId(q.q) ? q.q : undefined;
  const dir = (q.order ?? (q.sort === 'started' ? 'desc' : 'asc')) === 'asc' ? 1 : -1;
  return fromBooks(ctx, actor, q, `sorted:${q.sort}:${dir}:${q.q ?? ''}`, (books) => {
    const all = q.q ? books.filter(id ? (b) => b.id === id : textMatcher(q.q)) : books;
    const key = SORTERS[q.sort];
    // Each book's key made once, not once per comparison (a date parsed 2 × log n times).
    const keyed = all.map((b) => ({ b, k: key(b) }));
    // Ties by id in the same direction: newest first is the keyset pages' order (`newestFirst`), kept once for both.
    keyed.sort((x, y) => ((x.k - y.k) || byCodeUnits(x.b.id, y.b.id)) * dir);
    return keyed.map((x) => x.b);
  });
}

const exportQuerySchema = listQuerySchema.omit({ pageSize: true, pageToken: true, offset: true });
type ExportQuery = z.output<typeof exportQuerySchema>;

const EXPORT_HEADER = ['Mã sổ', 'Loại sổ', 'Số quyển', 'Năm đầu', 'Năm cuối', 'Đơn vị', 'Huyện', 'Đơn vị đang giữ', 'Bước', 'Hạn', 'Quá hạn', 'Chờ người', 'Số trường hợp', 'Số trang', 'Ưu tiên', 'Cập nhật'];

/** One line of the CSV export, in Vietnamese (labels, yes/no), dates as ISO. */
function exportRow(units: Units, b: RegisterSummary): (string | number | null)[] {
  return [
    b.id,
    b.type ? REGISTER_TYPES[b.type].nameVi : null,
    b.bookNo,
    b.yearFrom,
    b.yearTo,
    b.agencyName,
    b.districtCode ? units.districtName(b.districtCode) : null,
    b.custodianName,
    b.step ? STEP_LABELS_VI[b.step] : null,
    b.deadline,
    b.overdue ? 'có' : 'không',
    b.awaitingHuman ? 'có' : 'không',
    b.recordCount,
    b.counts.pages ?? b.counts.inventoryPages ?? null,
    b.priority,
    b.updatedAt,
  ];
}
