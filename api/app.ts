import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
} from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream } from 'pino';
import type { FileOutbox } from '../clients/outbox';
import type { ArtifactStore } from '../clients/storage/types';
import { isUnreachable } from '../clients/storage/errors';
import type { Config } from '../clients/config';
import { WORKFLOW_BUNDLE } from '../clients/paths';
import { authHook, isRefusal, recordDenied } from './auth/access';
import { AuthFailures, TooManyFailures } from './auth/failures';
import { DOCS_HELMET, HELMET_OPTIONS } from './headers';
import type { UserStore } from '../clients/users';
import type { AppContext } from './context';
import { ApiError, codeOfStatus, type ErrorBody } from './errors';
import { createMetrics } from './metrics';
import { MethodTable } from './methods';
import { safeTextValidatorCompiler } from './schemas/text';
import { auditRoutes } from './routes/audit';
import { webRoutes } from './routes/web';
import { bulkRoutes } from './routes/bulk';
import { opsRoutes } from './routes/ops';
import { actionRoutes } from './routes/actions';
import { referenceRoutes } from './routes/reference';
import { registerRoutes } from './routes/registers';
import { reportRoutes } from './routes/reports';
import { fileRoutes } from './routes/files';
import { pageRoutes } from './routes/pages';
import { templateRoutes } from './routes/templates';
import { uploadRoutes } from './routes/uploads';
import { doubleEntryRoutes } from './routes/doubleEntry';
import { BookIndex } from './services/bookIndex';
import { PlanService } from './services/plan';
import { BookService, mapTemporalError } from './services/books';
import { DeniedLog } from './services/deniedLog';
import { Drafts } from './services/drafts';
import { SecurityLog } from './services/securityLog';
import { JobRegistry } from './services/jobs';
import { StuckScanner } from './services/stuck';
import { ScheduleService } from './services/schedules';
import { scheduleRoutes } from './routes/schedules';
import { planRoutes } from './routes/plan';
import { loadUnits } from '../clients/units';
import type { Units } from '../domain/units';

export interface BuildAppOptions {
  config: Config;
  temporal: { client: Client };
  /** The artifact store for uploads and downloads; upload routes answer 503 without one. */
  store?: ArtifactStore;
  outbox: FileOutbox;
  users: UserStore;
  /** Where signed-in users' refused attempts are kept (default `${SOHOA_DATA_DIR}/audit/denied.ndjson`). */
  denied?: DeniedLog;
  /** Where refusals before sign-in are kept (default `${SOHOA_DATA_DIR}/audit/security.ndjson`). */
  security?: SecurityLog;
  /** Workflow code that `POST /api/audit/replay` replays with (default: the prebuilt bundle). */
  workflowBundlePath?: string;
  /** Log destination (default stdout). */
  logStream?: DestinationStream;
  /** The built dashboard (web/dist), served at / when given. */
  webRoot?: string;
  /** The administrative units served (default: the configured province's). */
  units?: Units;
}

export const API_VERSION = '1.0.0';
/** Longest path parameter the router takes (ids are at most 200 characters: a longer one is a 400 naming it); beyond, 414. */
const MAX_PARAM_LENGTH = 500;

/** The sohoa HTTP API: fastify 5, zod schemas, OpenAPI at /docs, bearer tokens, JSON errors. */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const logger = pino(
    {
      level: config.SOHOA_LOG_LEVEL,
      // Tokens never reach the logs, whatever a serializer or a caller puts in.
      redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', '*.token', 'token'], censor: '[ẩn]' },
    },
    // Asynchronous (buffered) writes: a log line never blocks a request; flushed on close.
    opts.logStream ?? pino.destination({ dest: 1, sync: false }),
  );
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // The server names every request: a client's x-request-id never becomes an audit entry's id.
    genReqId: () => randomUUID(),
    // One line per request, written at its end by the onResponse hook (with user and book).
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: 16 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // A path the router cannot read (bad percent-encoding, a parameter over MAX_PARAM_LENGTH): the same JSON errors as the rest.
    frameworkErrors: (err, req, reply) => {
      const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const message = status === 414 ? `đường dẫn quá dài (mỗi tham số tối đa ${MAX_PARAM_LENGTH} ký tự)` : 'đường dẫn không hợp lệ';
      void (reply as FastifyReply).code(status).header('x-request-id', req.id).send({ error: status === 414 ? 'UriTooLong' : 'BadRequest', message } satisfies ErrorBody);
    },
  });
  app.setValidatorCompiler(safeTextValidatorCompiler);
  const methods = MethodTable.install(app, { maxParamLength: MAX_PARAM_LENGTH });
  app.setSerializerCompiler(serializerCompiler);

  const units = opts.units ?? loadUnits(config);
  const books = new BookService(opts.temporal.client, config);
  const plan = new PlanService(opts.temporal.client, config.TEMPORAL_TASK_QUEUE, config.SOHOA_PLAN_DEADLINE, (err) => logger.warn({ err }, 'kế hoạch: chưa đọc được hạn kế hoạch của tỉnh'));
  books.provinceDeadline = () => plan.current.deadline;
  const index = new BookIndex(opts.temporal.client, (err) => logger.warn({ err }, 'mô hình đọc: chưa cập nhật được danh sách sổ'), { pollMs: config.SOHOA_INDEX_POLL_MS });
  books.onWrite = (id, began) => index.wrote(id, began);
  const stuck = new StuckScanner(books, units, index, plan);
  const metrics = createMetrics({ books, stuck, units, plan, index });
  const auditLimits = { maxBytes: config.SOHOA_AUDIT_LOG_MB * 1024 * 1024, keep: config.SOHOA_AUDIT_LOG_FILES };
  const denied = opts.denied ?? DeniedLog.inDataDir(config.SOHOA_DATA_DIR, auditLimits);
  denied.onAppend = (a) => metrics.denied.inc({ status: String(a.status) });
  const security = opts.security ?? SecurityLog.inDataDir(config.SOHOA_DATA_DIR, auditLimits, config.SOHOA_SECURITY_LOG_PER_MINUTE);
  security.onAppend = (e) => metrics.denied.inc({ status: String(e.status) });
  const ctx: AppContext = {
    config,
    units,
    client: opts.temporal.client,
    books,
    index,
    plan,
    store: opts.store,
    ...(opts.store ? { drafts: new Drafts(opts.store, books, { maxPerBook: config.SOHOA_MAX_DRAFTS_PER_BOOK, ttlMs: config.SOHOA_DRAFT_TTL_S * 1000 }) } : {}),
    outbox: opts.outbox,
    users: opts.users,
    denied,
    jobs: new JobRegistry(logger),
    metrics,
    stuck,
    schedules: new ScheduleService(opts.temporal.client, config.SOHOA_SCHEDULE_TIME_ZONE),
    workflowBundlePath: opts.workflowBundlePath ?? WORKFLOW_BUNDLE,
  };

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'sohoa — số hóa sổ hộ tịch',
        version: API_VERSION,
        description:
          'API điều phối số hóa sổ hộ tịch trên Temporal. Xác thực: `Authorization: Bearer <mã>` (tạo bằng `sohoa user add`). ' +
          'Lỗi luôn có dạng `{ error, message, details }`; `details` nêu trường, dòng hoặc tệp.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'registers', description: 'Sổ: tạo, nhập danh mục, tra cứu, thao tác' },
        { name: 'uploads', description: 'Tải lên bản quét, Excel, dữ liệu C06; tải mẫu' },
        { name: 'bulk', description: 'Thao tác hàng loạt' },
        { name: 'reports', description: 'Báo cáo tiến độ, nghiệm thu, thông báo, sổ bị kẹt' },
        { name: 'audit', description: 'Lịch sử, xuất lịch sử, chạy lại (replay)' },
        { name: 'reference', description: 'Danh mục và người dùng hiện tại' },
        { name: 'ops', description: 'Sức khỏe, số đo' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // The docs need no token: their routes are public by their own config, like /health.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      // @fastify/helmet reads a route's own policy from its config.
      route.config = Object.assign({}, route.config, { public: true, helmet: DOCS_HELMET });
    });
    await docs.register(fastifySwaggerUi, { routePrefix: '/docs' });
  });
  await app.register(fastifyHelmet, HELMET_OPTIONS);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.SOHOA_MAX_UPLOAD_MB * 1024 * 1024, files: 50_000, fields: 50, parts: 50_050 },
  });
  // Uploads may also come as a raw body (a zip, an .xlsx, a .csv): handed to the route as a stream.
  app.addContentTypeParser(
    ['application/zip', 'application/x-zip-compressed', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
    (_req, payload, done) => done(null, payload),
  );

  const auth = authHook({ users: opts.users, denied, security, failures: new AuthFailures(app, config), tokenTtlDays: config.SOHOA_TOKEN_TTL_DAYS });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // Every route needs a token unless its config says `public` (/health, /metrics, /docs, the dashboard's files).
    await auth(req, reply);
  });
  app.addHook('preHandler', async (req, reply) => {
    // The multipart parser throws a bare error on a missing boundary (a 500 otherwise): refuse it first.
    const type = req.headers['content-type'];
    if (type && /^multipart\/form-data/i.test(type) && !/;\s*boundary=/i.test(type)) {
      throw new ApiError('BadRequest', 'multipart/form-data thiếu boundary: không đọc được các phần của yêu cầu', [{ path: 'headers.content-type', message: 'thiếu boundary=…' }]);
    }
    const id = (req.params as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') {
      req.bookId = id;
      req.log = req.log.child({ bookId: id });
      reply.log = req.log;
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'không có';
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (!req.url.startsWith('/health') && req.url !== '/metrics') {
      reply.log.info({ method: req.method, url: req.url.split('?')[0], route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'yêu cầu xong');
    }
  });
  // Drafts not submitted in time go, with their files.
  const sweep = ctx.drafts && setInterval(() => void sweepDrafts(ctx.drafts!, logger), config.SOHOA_DRAFT_SWEEP_S * 1000).unref();
  app.addHook('onReady', async () => {
    await plan.start();
    index.start();
    // The denied log's index is built in the background, so no history request waits on a whole read.
    denied.ensureIndex().catch((err: unknown) => logger.error({ err }, 'không đọc được nhật ký từ chối'));
  });
  app.addHook('onClose', async () => {
    if (sweep) clearInterval(sweep);
    plan.stop();
    await index.stop();
    logger.flush();
    await Promise.race([ctx.jobs.drain(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  });

  app.setNotFoundHandler((req, reply) => methods.answer(req, reply));
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    // No route took the request (its body could not even be read): the answer is still 404 or 405.
    if (!req.routeOptions.url) return methods.answer(req, reply);
    if (isRefusal(err) && !req.deniedRecorded) await recordDenied(req, denied, err.status, err.code, err.message);
    if (err instanceof TooManyFailures) reply.header('retry-after', String(err.retryAfter));
    const body = errorBody(err, req.log, req.id);
    return reply.code(body.status).send(body.body);
  });

  await app.register(opsRoutes(ctx));
  await app.register(referenceRoutes(ctx));
  await app.register(registerRoutes(ctx));
  await app.register(actionRoutes(ctx));
  await app.register(uploadRoutes(ctx));
  await app.register(templateRoutes(ctx));
  await app.register(fileRoutes(ctx));
  await app.register(pageRoutes(ctx));
  await app.register(doubleEntryRoutes(ctx));
  await app.register(bulkRoutes(ctx));
  await app.register(reportRoutes(ctx));
  await app.register(scheduleRoutes(ctx));
  await app.register(planRoutes(ctx));
  await app.register(auditRoutes(ctx));
  if (opts.webRoot) {
    await app.register(webRoutes(opts.webRoot));
  }
  return app;
}

async function sweepDrafts(drafts: Drafts, log: Pick<FastifyBaseLogger, 'info' | 'error'>): Promise<void> {
  try {
    const { removed, kept } = await drafts.sweep();
    if (removed.length) log.info({ drafts: { removed: removed.map((d) => ({ bookId: d.bookId, prefix: d.prefix, by: d.by, at: d.at })), kept } }, 'dọn bản nháp quá hạn');
  } catch (e) {
    log.error({ err: e }, 'không dọn được bản nháp');
  }
}

type Log = { error: (o: object, m: string) => void; warn: (o: object, m: string) => void };

/** Every error as `{ error, message, details }` with its status; a 5xx never tells what went wrong inside (the log does). */
export function errorBody(err: unknown, log: Log, requestId: string): { status: number; body: ErrorBody } {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'body';
    const details = err.validation.map((v) => ({ path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'), message: v.message ?? 'không hợp lệ' }));
    return { status: 400, body: { error: 'BadRequest', message: `dữ liệu không hợp lệ: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details } };
  }
  const mapped = mapTemporalError(err);
  if (mapped instanceof ApiError) {
    return { status: mapped.status, body: { error: mapped.code, message: mapped.message, ...(mapped.details ? { details: mapped.details } : {}) } };
  }
  if (isResponseSerializationError(err as Error) && (err as { cause?: unknown }).cause) {
    log.error({ err }, 'phản hồi không khớp lược đồ');
    return { status: 500, body: internal(requestId) };
  }
  const e = err as FastifyError;
  if (e.code === 'ECONNRESET' || e.message === 'aborted') {
    log.warn({ err }, 'tải lên bị ngắt giữa chừng');
    return { status: 400, body: { error: 'BadRequest', message: 'yêu cầu bị ngắt giữa chừng; không lưu gì' } };
  }
  // The artifact store down or restarting: the client may try again (nothing was kept half-written).
  if (isUnreachable(err)) {
    log.warn({ err }, 'kho lưu trữ không trả lời');
    return { status: 503, body: { error: 'Unavailable', message: 'kho lưu trữ tệp tạm thời không trả lời; không lưu gì, xin gửi lại sau' } };
  }
  const status = e.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = codeOfStatus(status);
    const message =
      status === 413 ? 'tệp hoặc nội dung quá lớn' : status === 415 ? `kiểu nội dung không được hỗ trợ: ${e.message}` : e.message;
    return { status, body: { error: code, message } };
  }
  log.error({ err }, 'lỗi không lường trước');
  return { status: 500, body: internal(requestId) };
}

const internal = (requestId: string): ErrorBody => ({
  error: 'Internal',
  message: `lỗi hệ thống; chi tiết được ghi trong nhật ký máy chủ với mã yêu cầu ${requestId}`,
  details: [{ path: 'requestId', message: requestId }],
});
