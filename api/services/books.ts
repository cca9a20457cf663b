import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ERRORS, type ActionName, type ActionRequest, type Actor, type Book, type BookStatusV1 as BookStatus, type ErrorCode, type RegisterSummary } from '../../contracts/v1';
import { planSettingsFromConfig, type Config } from '../../clients/config';
import { actionUpdates, statusQuery } from '../../workflows/definitions';
import { startBook, type CreatedBy } from '../../clients/temporal/startBook';
import { listAll, listPage, type SummaryPage } from '../../clients/temporal/visibility';

/** The list line mapping moved down to clients/temporal (the scheduled activities use it too). */
export { summaryOf } from '../../clients/temporal/visibility';
import { ApiError, badRequest, conflict, notFound } from '../errors';
import { PageTokens } from './pageTokens';
import { StatusCache } from './statusCache';

/** gRPC status codes (grpc-js is not a direct dependency). */
const grpcStatus = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14, FAILED_PRECONDITION: 9 } as const;

/** Deadline for one call to Temporal made while a person waits (an update waits for the worker). */
const CALL_TIMEOUT_MS = 30_000;

export type ActionOutcome = { unchanged: false; status: BookStatus } | { unchanged: true; message: string };

/** The books as Temporal holds them: start, status query, updates, visibility lists. */
export class BookService {
  private readonly pageTokens = new PageTokens();
  private readonly statuses: StatusCache;
  /**
   * Told of every book this API starts or changes, with when the write began (the read model waits for
   * them: read your writes); `id` only when the book took the write (a start, an action that changed it).
   */
  onWrite: (id: string | undefined, began: number) => void = () => {};
  /** The province plan's deadline now: the books this API starts follow it (unset: the configured deadline, their own). */
  provinceDeadline?: () => string;

  constructor(
    readonly client: Client,
    readonly config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_NAMESPACE' | 'SOHOA_PLAN_DEADLINE' | 'SOHOA_REMINDER_DAYS' | 'SOHOA_WAIT_REMINDER_DAYS'> &
      Partial<Pick<Config, 'SOHOA_STATUS_CACHE_BOOKS'>>,
  ) {
    this.statuses = new StatusCache(config.SOHOA_STATUS_CACHE_BOOKS ?? 0);
  }

  get namespace(): string {
    return this.client.options.namespace;
  }

  /** Starts the book's workflow; a second start of the same book (running or closed) is `existing`. */
  async start(book: Book, priority: number, by: Actor): Promise<{ id: string; result: 'created' | 'existing' }> {
    const createdBy: CreatedBy = { userId: by.userId, role: by.role, agencyCode: by.agencyCode };
    const began = Date.now();
    let started: string | undefined;
    try {
      const configured = planSettingsFromConfig(this.config as Config);
      const plan = this.provinceDeadline ? { ...configured, deadline: this.provinceDeadline(), followsPlan: true } : configured;
      const r = await startBook(this.client, this.config.TEMPORAL_TASK_QUEUE, book, plan, priority, { createdBy });
      if (r.result === 'created') started = r.id;
      return r;
    } finally {
      this.onWrite(started, began);
    }
  }

  /** The `status` query; 404 when there is no such book, 504 when no worker answers in time. */
  async status(id: string): Promise<BookStatus> {
    try {
      return await this.client.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => this.client.workflow.getHandle(id).query(statusQuery));
    } catch (e) {
      throw mapTemporalError(e, id);
    }
  }

  /**
   * The `status` query as the JSON bytes the workflow returned: the same call as `status()`, without
   * decoding and encoding again what goes straight out (the default converter writes JSON). With the
   * `version` the server gave for the book (see assertBookInJurisdiction), an unchanged book answers
   * from the cache, without a worker round trip. `askedAt`: when the caller began the read (before the
   * describe that gave `version`), so an action of this API made since keeps the answer out of the cache.
   */
  async statusJson(id: string, version: string | undefined, askedAt: number): Promise<Buffer> {
    const cached = this.statuses.get(id, version);
    if (cached) return cached;
    let response;
    try {
      response = await this.client.workflowService.queryWorkflow({
        namespace: this.namespace,
        execution: { workflowId: id },
        query: { queryType: statusQuery.name, queryArgs: { payloads: [] } },
      });
    } catch (e) {
      throw mapTemporalError(e, id);
    }
    const payload = response.queryResult?.payloads?.[0];
    let json: Buffer;
    if (response.queryRejected || !payload) json = Buffer.from(JSON.stringify(await this.status(id)));
    else if (payload.metadata?.encoding && Buffer.from(payload.metadata.encoding).toString() === 'json/plain' && payload.data)
      json = Buffer.from(payload.data.buffer, payload.data.byteOffset, payload.data.byteLength);
    else json = Buffer.from(JSON.stringify(this.client.options.loadedDataConverter.payloadConverter.fromPayload(payload)));
    this.statuses.set(id, version, json, askedAt);
    return json;
  }

  /** The status answer kept for this version of the book, if any. */
  cachedStatus(id: string, version: string): Buffer | undefined {
    return this.statuses.get(id, version);
  }

  /** Keeps a status answer read from the book's memo, under the version the same describe gave. */
  rememberStatus(id: string, version: string | undefined, json: Buffer, askedAt: number): void {
    this.statuses.set(id, version, json, askedAt);
  }

  /**
   * Sends a human action as the workflow's update, with the actor for the validator's own check.
   * Refusals come back typed (REFUSAL_TYPES) and become 400/403/409, or `unchanged`.
   */
  async act(id: string, action: ActionName, actor: Actor, payload: unknown, requestId?: string, dedupe: boolean | { idempotencyKey: string } = false): Promise<ActionOutcome> {
    // `dedupe`: the request id is also the idempotency key, or the key comes apart from it (a client's key: the audit keeps the server's request id).
    const idempotencyKey = typeof dedupe === 'object' ? dedupe.idempotencyKey : dedupe ? requestId : undefined;
    const began = Date.now();
    let changed = false;
    try {
      const outcome = await this.update(id, action, actor, payload, requestId, idempotencyKey);
      changed = !outcome.unchanged;
      return outcome;
    } finally {
      this.statuses.drop(id);
      this.onWrite(changed ? id : undefined, began);
    }
  }

  private async update(id: string, action: ActionName, actor: Actor, payload: unknown, requestId: string | undefined, idempotencyKey: string | undefined): Promise<ActionOutcome> {
    const request: ActionRequest = { actor, payload, ...(requestId ? { requestId } : {}), ...(idempotencyKey ? { idempotencyKey } : {}) };
    try {
      const status = await this.client.withDeadline(Date.now() + CALL_TIMEOUT_MS, () =>
        this.client.workflow.getHandle(id).executeUpdate(actionUpdates[action], {
          args: [request],
          // The same idempotency key sent twice is one update: Temporal deduplicates by update id.
          ...(idempotencyKey ? { updateId: `${action}:${idempotencyKey}` } : {}),
        }),
      );
      return { unchanged: false, status };
    } catch (e) {
      const refusal = refusalOf(e);
      if (refusal?.code === 'NoChange') return { unchanged: true, message: refusal.message };
      if (e instanceof WorkflowNotFoundError || grpcCodeOf(e) === grpcStatus.NOT_FOUND) {
        // Updates to a closed book look like an unknown book: tell them apart.
        const closed = await this.client.workflow
          .getHandle(id)
          .describe()
          .then((d) => d.status.name !== 'RUNNING', () => false);
        if (closed) throw conflict(`sổ "${id}" đã đóng (hoàn thành hoặc đã rút); không nhận thao tác`, 'BookClosed');
      }
      throw mapTemporalError(e, id);
    }
  }

  /** One page of a visibility query, with Temporal's page token (the server's own order: newest first). */
  async listPage(query: string, pageSize: number, pageToken?: string): Promise<SummaryPage> {
    const opened = pageToken ? this.openPageToken(pageToken) : undefined;
    if (opened && !('temporal' in opened)) throw badRequest('pageToken không dùng được cho truy vấn này; tải lại trang đầu', [{ path: 'querystring.pageToken', message: 'không phải trang của danh sách này' }]);
    try {
      // The caller's token was sealed by this API; Temporal sees only its own tokens.
      const page = await listPage(this.client, query, pageSize, opened?.temporal.toString('base64url'));
      return page.nextPageToken ? { ...page, nextPageToken: this.pageTokens.seal(Buffer.from(page.nextPageToken, 'base64url')) } : page;
    } catch (e) {
      throw mapTemporalError(e);
    }
  }

  /** A token this API handed out: Temporal's own, or the last book of a page of the read model (newest first). */
  openPageToken(token: string): { temporal: Buffer } | { after: { startedAt: string; id: string } } {
    const raw = this.pageTokens.open(token);
    // Temporal's tokens are JSON; the read model's start with a zero byte.
    if (raw[0] !== 0) return { temporal: raw };
    const [startedAt, id] = JSON.parse(raw.subarray(1).toString('utf8')) as [string, string];
    return { after: { startedAt, id } };
  }

  sealAfter(after: { startedAt: string; id: string }): string {
    return this.pageTokens.seal(Buffer.concat([Buffer.from([0]), Buffer.from(JSON.stringify([after.startedAt, after.id]))]));
  }

  /** Every book matching a query (for sorting, searching and reports at the API). */
  async listAll(query: string, limit = 200_000): Promise<RegisterSummary[]> {
    try {
      return await listAll(this.client, query, limit);
    } catch (e) {
      throw mapTemporalError(e);
    }
  }

  private recent = new Map<string, { at: number; items: Promise<RegisterSummary[]> }>();

  /** `listAll` shared for a few seconds, so paging through a sorted list does not list it again each page. */
  listAllCached(query: string, ttlMs = 5000): Promise<RegisterSummary[]> {
    const now = Date.now();
    for (const [k, v] of this.recent) if (now - v.at > ttlMs) this.recent.delete(k);
    const hit = this.recent.get(query);
    if (hit) return hit.items;
    const items = this.listAll(query);
    items.catch(() => this.recent.delete(query));
    if (this.recent.size < 50) this.recent.set(query, { at: now, items });
    return items;
  }

  async count(query: string): Promise<number> {
    try {
      return (await this.client.workflow.count(query)).count;
    } catch (e) {
      throw mapTemporalError(e);
    }
  }
}

/** The refusal an update validator threw, if that is what failed: its code is the failure's type. */
export function refusalOf(e: unknown): { code: ErrorCode; message: string } | undefined {
  if (!(e instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = e.cause;
  if (cause instanceof ApplicationFailure && cause.type && cause.type in ERRORS) return { code: cause.type as ErrorCode, message: cause.message };
  return undefined;
}

/** Temporal errors as API errors: unknown book 404, refusals by their code, server down 503. */
export function mapTemporalError(e: unknown, id?: string): unknown {
  if (e instanceof ApiError) return e;
  if (e instanceof WorkflowNotFoundError) return notFound(`không có sổ "${id ?? e.workflowId}"`);
  const refusal = refusalOf(e);
  if (refusal) return new ApiError(refusal.code, refusal.message, refusal.code === 'InvalidPayload' ? [{ path: 'body', message: refusal.message }] : undefined);
  if (e instanceof WorkflowUpdateFailedError) return conflict(`sổ không nhận thao tác: ${e.cause?.message ?? e.message}`, 'WrongStep');
  // No worker took the update before the deadline: the request may still apply later (same update id).
  if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return timeout();
  switch (grpcCodeOf(e)) {
    case grpcStatus.NOT_FOUND:
      return notFound(`không có sổ "${id ?? ''}"`);
    case grpcStatus.UNAVAILABLE:
      return new ApiError('Unavailable', 'không kết nối được Temporal');
    // A query with no worker polling the task queue (the server says so at once instead of timing out).
    case grpcStatus.FAILED_PRECONDITION:
      return new ApiError('Unavailable', 'không có worker nào đang nhận việc; thử lại sau');
    case grpcStatus.DEADLINE_EXCEEDED:
      return timeout();
    case grpcStatus.INVALID_ARGUMENT:
      return new ApiError('BadRequest', `Temporal từ chối truy vấn: ${(e as Error).message}`);
    default:
      // Any other failure of a call to Temporal (a restart cuts calls with CANCELLED, INTERNAL, …): upstream, try again.
      return e instanceof ServiceError || grpcCodeOf(e) !== undefined ? new ApiError('Unavailable', 'Temporal tạm thời không trả lời được; thử lại sau') : e;
  }
}

const timeout = () => new ApiError('Timeout', 'Temporal không trả lời kịp (worker có đang chạy?)');

function grpcCodeOf(e: unknown): number | undefined {
  if (e instanceof ServiceError) return grpcCodeOf(e.cause) ?? (e as { code?: number }).code;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
