import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { RegisterSummary } from '../../contracts/v1/status';
import type { Custodian } from '../../contracts/v1/values';
import { actorCovers, type Actor, type Role } from '../../domain/actors';
import type { Agency } from '../../domain/agencies';
import { parseWorkflowId } from '../../domain/book';
import { bookAccess, handoverRefusal, reachOf } from '../../domain/custody';
import { legacyCustodian, type Units } from '../../domain/units';
import { SA } from '../../workflows/definitions';
import { ApiError, forbidden, notFound, unauthorized } from '../errors';
import type { DeniedLog } from '../services/deniedLog';
import type { SecurityLog } from '../services/securityLog';
import { mapTemporalError } from '../services/books';
import { stateVersion } from '../services/statusCache';
import type { TokenCheck, UserStore } from '../../clients/users';
import { TooManyFailures, type AuthFailures } from './failures';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    bookId?: string;
  }
  interface FastifyContextConfig {
    /** No token needed (health, metrics, docs). */
    public?: boolean;
    /** Roles that may call the route at all; admin always may. Jurisdiction is checked per book. */
    roles?: readonly Role[];
  }
}

export const ALL_ROLES: readonly Role[] = ['admin', 'manager', 'clerk', 'contractor', 'c06', 'auditor'];

/** What the caller presented: nothing, a bearer token, or something else in `Authorization` (counted as a failed sign-in). */
export type Credentials = { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'malformed' };

export function credentialsOf(req: FastifyRequest): Credentials {
  const h = req.headers.authorization;
  if (!h) return { kind: 'none' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? { kind: 'bearer', token: m[1]! } : { kind: 'malformed' };
}

/** The authenticated actor; routes behind the auth hook always have one. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

/** 12 hex digits of a token's sha256: enough to tell attempts apart in the security log, never the token. */
const fingerprint = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12);

const REFUSED: Record<Exclude<TokenCheck['kind'], 'valid'>, string> = {
  unknown: 'mã truy cập không hợp lệ',
  revoked: 'mã truy cập đã bị thu hồi',
  expired: 'mã truy cập đã hết hạn',
};

export interface AuthDeps {
  users: UserStore;
  denied: DeniedLog;
  security: SecurityLog;
  failures: AuthFailures;
  tokenTtlDays: number;
}

/**
 * Authentication (401, 429 after too many failures) and the route's role list (403), in `onRequest`
 * so that a caller without the right gets its answer before any body is read or validated. Which
 * routes need a token is the route's own config (`public`), matched by the router on the decoded
 * path, never a prefix of the raw URL. A refusal before anyone is identified goes to the security
 * log, never to a book's history; a signed-in user's refusal goes to the denied log.
 */
export function authHook({ users, denied, security, failures, tokenTtlDays }: AuthDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const config = req.routeOptions.config;
    if (config?.public || !req.routeOptions.url) return;
    try {
      await failures.assertAllowed(req);
    } catch (e) {
      if (e instanceof TooManyFailures) await refuseAnonymous(req, security, failures, e);
      throw e;
    }
    const presented = credentialsOf(req);
    const check: TokenCheck = presented.kind === 'bearer' ? await users.identify(presented.token, { ttlDays: tokenTtlDays }) : { kind: 'unknown' };
    if (check.kind !== 'valid') {
      if (check.kind === 'expired' || check.kind === 'revoked') req.failedUserId = check.userId;
      const reason =
        presented.kind === 'none'
          ? 'thiếu mã truy cập'
          : presented.kind === 'malformed'
            ? 'mã truy cập phải có dạng Authorization: Bearer <mã>'
            : check.kind === 'expired'
              ? `${REFUSED.expired} (cấp lúc ${check.issuedAt}, hết hạn lúc ${check.expiredAt}); xin quản trị cấp mã mới`
              : REFUSED[check.kind];
      // Only a credential that was tried counts as a failed sign-in; a request with none is just anonymous.
      const limited = presented.kind === 'none' ? undefined : await failures.fail(req);
      const error = limited ?? unauthorized(`${reason} (Authorization: Bearer …)`);
      await refuseAnonymous(req, security, failures, error, presented.kind === 'bearer' ? fingerprint(presented.token) : undefined);
      throw error;
    }
    const actor = check.actor;
    req.actor = actor;
    // Every later line of this request (including "request completed") names the user.
    req.log = req.log.child({ user: actor.userId, role: actor.role });
    reply.log = req.log;
    const roles = config?.roles;
    if (roles && actor.role !== 'admin' && !roles.includes(actor.role)) {
      const reason = `vai trò ${actor.role} không được dùng chức năng này (cần: ${roles.join(', ')})`;
      await recordDenied(req, denied, 403, 'Forbidden', reason);
      throw forbidden(reason);
    }
  };
}

/** A refusal before sign-in, to the (rate-limited) security log: the route's pattern, never the raw path or the token. */
async function refuseAnonymous(req: FastifyRequest, security: SecurityLog, failures: AuthFailures, e: ApiError, tokenFingerprint?: string): Promise<void> {
  if (e instanceof TooManyFailures && !failures.firstNotice(e)) return;
  const param = (req.params as { id?: unknown } | undefined)?.id;
  await security
    .append({
      at: new Date().toISOString(),
      requestId: req.id,
      ip: req.ip,
      method: req.method,
      route: req.routeOptions.url ?? '',
      ...(typeof param === 'string' && param.length <= 200 ? { bookId: param } : {}),
      status: e.status,
      code: e.code,
      reason: e.message,
      ...(req.failedUserId ? { userId: req.failedUserId } : {}),
      ...(tokenFingerprint ? { tokenFingerprint } : {}),
    })
    .catch((err: unknown) => req.log.error({ err }, 'không ghi được nhật ký an ninh'));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's refusal is in the denied log already (each refusal is recorded once). */
    deniedRecorded?: boolean;
  }
}

/**
 * Keeps a signed-in user's refusal, with who and why, in the denied log (it never reaches the
 * workflow's history). `perBook` entries (one per book of a bulk action or a C06 batch) do not
 * count as the request's own refusal.
 */
export async function recordDenied(
  req: FastifyRequest,
  denied: DeniedLog,
  status: number,
  code: string,
  reason: string,
  extra: { bookId?: string; action?: string; perBook?: boolean } = {},
): Promise<void> {
  const a = req.actor;
  if (!a) return;
  if (!extra.perBook) req.deniedRecorded = true;
  const param = (req.params as { id?: unknown } | undefined)?.id;
  const bookId = extra.bookId ?? req.bookId ?? (typeof param === 'string' ? param : undefined);
  const actor = { userId: a.userId, role: a.role, scope: a.scope, agencyCode: a.agencyCode };
  req.log.warn({ denied: { status, code, reason, bookId, action: extra.action, actor } }, 'yêu cầu bị từ chối');
  await denied
    .append({
      at: new Date().toISOString(),
      requestId: req.id,
      actor,
      method: req.method,
      url: req.url.split('?')[0]!,
      ...(bookId ? { bookId } : {}),
      ...(extra.action ? { action: extra.action } : {}),
      status,
      code,
      reason,
    })
    .catch((e: unknown) => req.log.error({ err: e }, 'không ghi được nhật ký từ chối'));
}

/** Refusals the denied log keeps when a route throws them: not allowed, wrong step or closed book, a payload the workflow refused. */
export function isRefusal(e: unknown): e is ApiError {
  return e instanceof ApiError && (e.status === 403 || e.status === 409 || e.code === 'InvalidPayload');
}

/** The agency a book id belongs to (ids carry the agency code); 404 when the id cannot be a book. */
export function agencyOfBookId(units: Units, id: string): Agency {
  const parsed = parseWorkflowId(id);
  const agency = parsed && units.findAgency(parsed.agencyCode);
  if (!agency) throw notFound(`không có sổ "${id}" (mã sổ có dạng reg-{mã đơn vị}-{mã loại}-{quyển}-{năm})`);
  return agency;
}

/** A unit known by its jurisdiction keys (the holder's key comes first), named from the units when they know it. */
export function custodianOfScopes(units: Units, scopes: readonly string[]): Custodian {
  const known = units.findCustodian(scopes[0]!);
  return known ?? { key: scopes[0]!, name: scopes[0]!, level: 'commune', era: scopes[0]!.startsWith('n') ? '2025' : 'legacy', scopes: [...scopes] };
}

/** The holder of a listed book (its key is in the list line; the units know its scopes). */
export function holderOfSummary(units: Units, b: Pick<RegisterSummary, 'custodianKey'>, agency: Agency): Custodian {
  return (b.custodianKey ? units.findCustodian(b.custodianKey) : undefined) ?? legacyCustodian(agency);
}

/** The unit holding a book now: from its search attribute after a handover, else the agency that registered it. */
export async function holderOfBook(ctx: { client: Client; units: Units }, id: string, agency: Agency): Promise<Custodian> {
  return (await describeHolder(ctx, id, agency)).holder;
}

/**
 * The holder of a book from the server alone (describe, no worker), and the version of its state the
 * server holds: run, status and the last published change (SohoaUpdatedAt; absent on older books).
 */
async function describeHolder(ctx: { client: Client; units: Units }, id: string, agency: Agency): Promise<{ holder: Custodian; version?: string; memo?: Record<string, unknown> }> {
  let d;
  try {
    d = await ctx.client.workflow.getHandle(id).describe();
  } catch (e) {
    throw mapTemporalError(e, id);
  }
  const scopes = d.typedSearchAttributes.get(SA.custody);
  const version = stateVersion(d.runId, d.status.name, d.typedSearchAttributes.get(SA.updatedAt));
  return {
    holder: scopes?.length ? custodianOfScopes(ctx.units, scopes) : legacyCustodian(agency),
    ...(version ? { version } : {}),
    ...(d.memo ? { memo: d.memo } : {}),
  };
}

/**
 * 403 (logged) unless the actor reaches the book: `act` when its jurisdiction covers the unit that
 * holds the book, `see` also for a 2025 commune's predecessors and a district the province lets read.
 * Returns the book's registering agency, its holder, the version of its state (for the status cache)
 * and its memo (a book of code version 2 on publishes its status there: `statusFromMemo`).
 */
export async function assertBookInJurisdiction(
  req: FastifyRequest,
  ctx: { denied: DeniedLog; units: Units; client: Client },
  id: string,
  need: 'act' | 'see' = 'see',
): Promise<{ agency: Agency; holder: Custodian; version?: string; memo?: Record<string, unknown> }> {
  req.bookId = id;
  const agency = agencyOfBookId(ctx.units, id);
  const { holder, version, memo } = await describeHolder(ctx, id, agency);
  await assertReaches(req, ctx, id, agency, holder, need);
  return { agency, holder, ...(version ? { version } : {}), ...(memo ? { memo } : {}) };
}

/** 403 (logged) unless the actor reaches a book of `agency` held by `holder` (however the caller learned them). */
export async function assertReaches(req: FastifyRequest, ctx: { denied: DeniedLog; units: Units }, id: string, agency: Agency, holder: Custodian, need: 'act' | 'see'): Promise<void> {
  req.bookId = id;
  const actor = actorOf(req);
  if (bookAccess(reachOf(ctx.units, actor), holder, agency)[need]) return;
  const reason = `sổ do ${holder.name} (${holder.key}) giữ, ngoài phạm vi ${need === 'act' ? 'thao tác' : 'xem'} của người dùng ${actor.userId}`;
  await recordDenied(req, ctx.denied, 403, 'Forbidden', reason, { bookId: id });
  throw forbidden(reason);
}

/** Agencies an actor covers (reference data for forms and reports). */
export function agenciesOf(units: Units, actor: Actor): Agency[] {
  return units.agencies.filter((a) => actorCovers(actor, a));
}

/** Refuses a handover by anyone but a province manager before any book is looked at (403, recorded once). */
export async function assertMayHandOver(req: FastifyRequest, denied: DeniedLog, action: string): Promise<void> {
  const reason = action === 'changeCustodian' ? handoverRefusal(actorOf(req)) : undefined;
  if (!reason) return;
  await recordDenied(req, denied, 403, 'Forbidden', reason, { action });
  throw forbidden(reason);
}
