import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../clients/config';
import { ApiError } from '../errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user a refused (expired or revoked) token belongs to, for the per-user limit. */
    failedUserId?: string;
  }
}

type Check = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;
type Counted = Extract<Check, { isAllowed: false }>;

/** A 429 with the seconds to wait (sent as `retry-after`). */
export class TooManyFailures extends ApiError {
  constructor(
    who: string,
    readonly retryAfter: number,
    /** What was limited: `ip:…` or `user:…` (the security log notes each limit once). */
    readonly key: string,
  ) {
    super('TooManyRequests', `quá nhiều lần đăng nhập sai ${who}; thử lại sau ${retryAfter} giây`);
  }
}

/**
 * Failed sign-ins counted with @fastify/rate-limit (its in-memory store): per IP address, whose
 * requests all answer 429 once it is over its limit, until the window ends; and per user, for the
 * expired or revoked tokens of one user. Only failures count: a valid token costs nothing.
 */
export class AuthFailures {
  private readonly perIp;
  private readonly perUser;
  /** Limits already noted in the security log, until when (one line per limit, not one per request). */
  private readonly noted = new Map<string, number>();

  constructor(app: FastifyInstance, config: Pick<Config, 'SOHOA_AUTH_FAILURES_PER_IP' | 'SOHOA_AUTH_FAILURES_PER_USER' | 'SOHOA_AUTH_FAILURE_WINDOW_S'>) {
    const timeWindow = config.SOHOA_AUTH_FAILURE_WINDOW_S * 1000;
    // The default key is the client's IP (an IPv6 address by its /64).
    this.perIp = app.createRateLimit({ max: config.SOHOA_AUTH_FAILURES_PER_IP, timeWindow });
    this.perUser = app.createRateLimit({ max: config.SOHOA_AUTH_FAILURES_PER_USER, timeWindow, keyGenerator: (req) => `user:${req.failedUserId ?? ''}` });
  }

  /** 429 when the caller's address is over its limit (before its token is even looked at). */
  async assertAllowed(req: FastifyRequest): Promise<void> {
    const r = await this.perIp(req, { increment: false });
    if (exceeded(r)) throw new TooManyFailures('từ địa chỉ này', r.ttlInSeconds, `ip:${r.key}`);
  }

  /** Counts one failure: a TooManyFailures to answer instead of 401 once the address or the user is over its limit. */
  async fail(req: FastifyRequest): Promise<TooManyFailures | undefined> {
    const ip = await this.perIp(req);
    if (exceeded(ip)) return new TooManyFailures('từ địa chỉ này', ip.ttlInSeconds, `ip:${ip.key}`);
    if (!req.failedUserId) return undefined;
    const user = await this.perUser(req);
    if (exceeded(user)) return new TooManyFailures(`với mã của người dùng ${req.failedUserId}`, user.ttlInSeconds, user.key);
    return undefined;
  }

  /** True the first time a limit is hit in its window: that one refusal is logged, the rest only counted. */
  firstNotice(e: TooManyFailures): boolean {
    const now = Date.now();
    if ((this.noted.get(e.key) ?? 0) > now) return false;
    if (this.noted.size > 10_000) for (const [k, until] of this.noted) if (until <= now) this.noted.delete(k);
    this.noted.set(e.key, now + e.retryAfter * 1000);
    return true;
  }
}

const exceeded = (r: Check): r is Counted => !r.isAllowed && r.isExceeded;
