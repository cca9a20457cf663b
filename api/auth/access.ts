import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RegisterSummary } from '../../contracts/v1/status';
import type { Custodian } from '../../contracts/v1/values';
import { actorCovers, type Actor, type Role } from '../../domain/actors';
import type { Agency } from '../../domain/agencies';
import { parseWorkflowId } from '../../domain/book';
import { bookAccess, reachOf } from '../../domain/custody';
import { legacyCustodian, type Units } from '../../domain/units';
import { SA } from '../../workflows/definitions';
import { forbidden, notFound, unauthorized } from '../errors';
import type { DeniedLog } from '../services/deniedLog';
import { mapTemporalError } from '../services/books';
import type { UserStore } from '../../clients/users';

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

export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** The authenticated actor; routes behind the auth hook always have one. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

/**
 * Authentication (401) and the route's role list (403), in `onRequest` so that a caller without
 * the right gets 401/403 before any body is read or validated.
 */
export function authHook(users: UserStore, denied: DeniedLog) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const config = req.routeOptions.config;
    if (config?.public || !req.routeOptions.url) return;
    const token = bearerToken(req);
    const actor = token ? await users.authenticate(token) : undefined;
    if (!actor) {
      const reason = token ? 'mã truy cập không hợp lệ hoặc đã bị thu hồi' : 'thiếu mã truy cập';
      await recordDenied(req, denied, 401, 'Unauthorized', reason);
      throw unauthorized(`${reason} (Authorization: Bearer …)`);
    }
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

/** Logs a refusal with who and why, and keeps it in the denied log (it never reaches the history). */
export async function recordDenied(req: FastifyRequest, denied: DeniedLog, status: number, code: string, reason: string, extra: { bookId?: string; action?: string } = {}): Promise<void> {
  const a = req.actor;
  const param = (req.params as { id?: unknown } | undefined)?.id;
  const bookId = extra.bookId ?? req.bookId ?? (typeof param === 'string' ? param : undefined);
  req.log.warn({ denied: { status, code, reason, bookId, action: extra.action, actor: a ? { userId: a.userId, role: a.role, scope: a.scope, agencyCode: a.agencyCode } : null } }, 'yêu cầu bị từ chối');
  await denied
    .append({
      at: new Date().toISOString(),
      requestId: req.id,
      actor: a ? { userId: a.userId, role: a.role, scope: a.scope, agencyCode: a.agencyCode } : null,
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
  let scopes: string[] | undefined;
  try {
    scopes = (await ctx.client.workflow.getHandle(id).describe()).typedSearchAttributes.get(SA.custody);
  } catch (e) {
    throw mapTemporalError(e, id);
  }
  return scopes?.length ? custodianOfScopes(ctx.units, scopes) : legacyCustodian(agency);
}

/**
 * 403 (logged) unless the actor reaches the book: `act` when its jurisdiction covers the unit that
 * holds the book, `see` also for a 2025 commune's predecessors and a district the province lets read.
 * Returns the book's registering agency and its holder.
 */
export async function assertBookInJurisdiction(
  req: FastifyRequest,
  ctx: { denied: DeniedLog; units: Units; client: Client },
  id: string,
  need: 'act' | 'see' = 'see',
): Promise<{ agency: Agency; holder: Custodian }> {
  req.bookId = id;
  const agency = agencyOfBookId(ctx.units, id);
  const holder = await holderOfBook(ctx, id, agency);
  const actor = actorOf(req);
  const access = bookAccess(reachOf(ctx.units, actor), holder, agency);
  if (!access[need]) {
    const reason = `sổ do ${holder.name} (${holder.key}) giữ, ngoài phạm vi ${need === 'act' ? 'thao tác' : 'xem'} của người dùng ${actor.userId}`;
    await recordDenied(req, ctx.denied, 403, 'Forbidden', reason, { bookId: id });
    throw forbidden(reason);
  }
  return { agency, holder };
}

/** Agencies an actor covers (reference data for forms and reports). */
export function agenciesOf(units: Units, actor: Actor): Agency[] {
  return units.agencies.filter((a) => actorCovers(actor, a));
}
