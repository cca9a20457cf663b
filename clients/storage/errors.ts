/** Thrown by `get`, `getBuffer` and `copy` when the key does not exist (same for both adapters). */
export class ObjectNotFoundError extends Error {
  readonly code = 'NotFound';
  constructor(readonly key: string) {
    super(`không tìm thấy tệp "${key}" trong kho lưu trữ`);
    this.name = 'ObjectNotFoundError';
  }
}

export const isNotFound = (e: unknown): e is ObjectNotFoundError =>
  e instanceof ObjectNotFoundError || (e as { code?: string } | null)?.code === 'NotFound';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);

/** The store could not be reached (down, restarting, network): worth trying again; a refusal is not. */
export function isUnreachable(e: unknown): boolean {
  const err = e as { code?: string; name?: string; cause?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  if (!err) return false;
  if (err.code && NETWORK_CODES.has(err.code)) return true;
  if (err.name === 'TimeoutError' || (err.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (e instanceof AggregateError) return e.errors.some(isUnreachable);
  return err.cause !== undefined && err.cause !== e && isUnreachable(err.cause);
}
