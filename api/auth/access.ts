import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorCovers, type Actor, type Role } from '../../domain/actors';
import type { Agency } from '../../domain/agencies';
import { parseWorkflowId } from '../../domain/book';
import type { Units } from '../../domain/units';
import { forbidden, notFound, unauthorized } from '../errors';
import type { DeniedLog } from '../services/deniedLog';
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

/** 403 (logged) unless the actor's jurisdiction covers the book. Returns the book's agency. */
export async function assertBookInJurisdiction(req: FastifyRequest, ctx: { denied: DeniedLog; units: Units }, id: string): Promise<Agency> {
  req.bookId = id;
  const agency = agencyOfBookId(ctx.units, id);
  const actor = actorOf(req);
  if (!actorCovers(actor, agency)) {
    const reason = `sổ thuộc ${agency.name} (${agency.code}), ngoài phạm vi của người dùng ${actor.userId}`;
    await recordDenied(req, ctx.denied, 403, 'Forbidden', reason, { bookId: id });
    throw forbidden(reason);
  }
  return agency;
}

/** Agencies an actor covers (reference data for forms and reports). */
export function agenciesOf(units: Units, actor: Actor): Agency[] {
  return units.agencies.filter((a) => actorCovers(actor, a));
}
