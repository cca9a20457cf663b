import { createHash } from 'node:crypto';
import type { ActionName, ActionRecord } from '../../contracts/v1';
import { ApiError } from '../errors';

/** Canonical JSON (keys sorted at every level), so the same payload always has the same fingerprint. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The key a book keeps for a client's Idempotency-Key: the key and the payload's fingerprint
 * (`key~16 hex digits`), so that a second use of the key says whether it carries the same payload.
 */
export const keptKey = (key: string, payload: unknown) => `${key}~${createHash('sha256').update(canonical(payload)).digest('hex').slice(0, 16)}`;

/**
 * What to send for an action with an Idempotency-Key, given the book's last actions: the kept key
 * (the same one again is the same update, answered as the first time); or 409 when the key was used
 * for another action or another payload. A key the book kept bare (before fingerprints) is sent bare,
 * as it was then.
 */
export function idempotentKey(actions: readonly ActionRecord[], action: ActionName, key: string, payload: unknown): string {
  const kept = keptKey(key, payload);
  const previous = actions.find((a) => a.idempotencyKey === key || a.idempotencyKey?.startsWith(`${key}~`));
  if (!previous) return kept;
  if (previous.action === action && (previous.idempotencyKey === kept || previous.idempotencyKey === key)) return previous.idempotencyKey;
  throw new ApiError(
    'IdempotencyKeyReused',
    `khóa Idempotency-Key "${key}" đã được dùng lúc ${previous.at} cho thao tác ${previous.action}${previous.action === action ? ' với dữ liệu khác' : ''}; một thao tác mới cần một khóa mới`,
    [{ path: 'headers.idempotency-key', message: 'khóa đã dùng cho thao tác khác' }],
  );
}

/** One request at a time per (book, key) in this process: two concurrent uses of a key cannot both pass the check. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(id: string, key: string, fn: () => Promise<T>): Promise<T> {
    const k = `${id}\n${key}`;
    const before = this.tails.get(k) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(k, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(k) === tail) this.tails.delete(k);
    }
  }
}
