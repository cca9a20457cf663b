import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream } from 'pino';
import type { FileOutbox } from '../clients/outbox';
import type { ArtifactStore } from '../clients/storage/types';
import type { Config } from '../clients/config';
import { WORKFLOW_BUNDLE } from '../clients/paths';
import { authHook } from './auth/access';
import type { UserStore } from '../clients/users';
import type { AppContext } from './context';
import { ApiError, codeOfStatus, type ErrorBody } from './errors';
import { createMetrics } from './metrics';
import { auditRoutes } from './routes/audit';
import { webRoutes } from './routes/web';
import { bulkRoutes } from './routes/bulk';
import { opsRoutes } from './routes/ops';
import { actionRoutes } from './routes/actions';
import { referenceRoutes } from './routes/reference';
import { registerRoutes } from './routes/registers';
import { reportRoutes } from './routes/reports';
import { fileRoutes } from './routes/files';
import { templateRoutes } from './routes/templates';
import { uploadRoutes } from './routes/uploads';
import { doubleEntryRoutes } from './routes/doubleEntry';
import { BookService, mapTemporalError } from './services/books';
import { DeniedLog } from './services/deniedLog';
import { JobRegistry } from './services/jobs';
import { StuckScanner } from './services/stuck';
import { loadUnits } from '../clients/units';
import type { Units } from '../domain/units';

export interface BuildAppOptions {
  config: Config;
  temporal: { client: Client };
  /** The artifact store for uploads and downloads; upload routes answer 503 without one. */
  store?: ArtifactStore;
  outbox: FileOutbox;
  users: UserStore;
  /** Where refused attempts are kept (default `${SOHOA_DATA_DIR}/audit/denied.ndjson`). */
  denied?: DeniedLog;
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
const REQUEST_ID = /^[\w.:-]{1,100}$/;

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
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    // One line per request, written at its end by the onResponse hook (with user and book).
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: 16 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const units = opts.units ?? loadUnits();
  const books = new BookService(opts.temporal.client, config);
  const stuck = new StuckScanner(books, units);
  const metrics = createMetrics({ books, stuck, units });
  const denied = opts.denied ?? DeniedLog.inDataDir(config.SOHOA_DATA_DIR);
  denied.onAppend = (a) => metrics.denied.inc({ status: String(a.status) });
  const ctx: AppContext = {
    config,
    units,
    client: opts.temporal.client,
    books,
    store: opts.store,
    outbox: opts.outbox,
    users: opts.users,
    denied,
    jobs: new JobRegistry(),
    metrics,
    stuck,
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
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.SOHOA_MAX_UPLOAD_MB * 1024 * 1024, files: 50_000, fields: 50, parts: 50_050 },
  });
  // Uploads may also come as a raw body (a zip, an .xlsx, a .csv): handed to the route as a stream.
  app.addContentTypeParser(
    ['application/zip', 'application/x-zip-compressed', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
    (_req, payload, done) => done(null, payload),
  );

  const auth = authHook(opts.users, denied);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // Everything under /api/ needs a token; /health, /metrics, /docs and the dashboard's files do not.
    if (!req.url.startsWith('/api/')) return;
    await auth(req, reply);
  });
  app.addHook('preHandler', async (req, reply) => {
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
  app.addHook('onClose', async () => {
    logger.flush();
    await Promise.race([ctx.jobs.drain(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: 'NotFound', message: `không có đường dẫn ${req.method} ${req.url.split('?')[0]}` } satisfies ErrorBody);
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const body = errorBody(err, req.log);
    reply.code(body.status).send(body.body);
  });

  await app.register(opsRoutes(ctx));
  await app.register(referenceRoutes(ctx));
  await app.register(registerRoutes(ctx));
  await app.register(actionRoutes(ctx));
  await app.register(uploadRoutes(ctx));
  await app.register(templateRoutes(ctx));
  await app.register(fileRoutes(ctx));
  await app.register(doubleEntryRoutes(ctx));
  await app.register(bulkRoutes(ctx));
  await app.register(reportRoutes(ctx));
  await app.register(auditRoutes(ctx));
  if (opts.webRoot) {
    await app.register(webRoutes(opts.webRoot));
  }
  return app;
}

type Log = { error: (o: object, m: string) => void; warn: (o: object, m: string) => void };

/** Every error as `{ error, message, details }` with its status. */
export function errorBody(err: unknown, log: Log): { status: number; body: ErrorBody } {
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
    return { status: 500, body: { error: 'Internal', message: 'lỗi hệ thống: phản hồi không khớp lược đồ' } };
  }
  const e = err as FastifyError;
  if (e.code === 'ECONNRESET' || e.message === 'aborted') {
    log.warn({ err }, 'tải lên bị ngắt giữa chừng');
    return { status: 400, body: { error: 'BadRequest', message: 'yêu cầu bị ngắt giữa chừng; không lưu gì' } };
  }
  const status = e.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = codeOfStatus(status);
    const message =
      status === 413 ? 'tệp hoặc nội dung quá lớn' : status === 415 ? `kiểu nội dung không được hỗ trợ: ${e.message}` : e.message;
    return { status, body: { error: code, message } };
  }
  log.error({ err }, 'lỗi không lường trước');
  return { status: 500, body: { error: 'Internal', message: `lỗi hệ thống: ${(err as Error)?.message ?? String(err)}` } };
}
