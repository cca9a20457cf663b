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
