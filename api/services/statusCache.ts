/**
 * The last status answer of recently read books, each valid for one version of the book's state: the
 * version the server reports (run, status, SohoaUpdatedAt) comes with the access check's describe, so
 * a read of an unchanged book needs no worker round trip and a changed book is never served old.
 * Least recently used books leave first; an answer is kept at most `maxAgeMs` (its days left age).
 */
export class StatusCache {
  private readonly entries = new Map<string, { version: string; json: Buffer; at: number }>();

  constructor(
    private readonly max: number,
    private readonly maxAgeMs = 60_000,
  ) {}

  get(id: string, version: string | undefined): Buffer | undefined {
    const e = this.entries.get(id);
    if (!e || !version || e.version !== version || Date.now() - e.at > this.maxAgeMs) return undefined;
    this.entries.delete(id);
    this.entries.set(id, e);
    return e.json;
  }

  /** `version` is what the server said before the status was asked: a later change only makes it miss. */
  set(id: string, version: string | undefined, json: Buffer): void {
    this.entries.delete(id);
    if (!version || this.max <= 0) return;
    this.entries.set(id, { version, json, at: Date.now() });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
