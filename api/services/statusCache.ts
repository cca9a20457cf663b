/**
 * The version of a book's state as the server holds it: run, status and its last published change
 * (SohoaUpdatedAt; books started before the stamp have none, so no version).
 */
export const stateVersion = (runId: string, status: string, changed: Date | undefined): string | undefined =>
  changed ? `${runId}/${status}/${changed.getTime()}` : undefined;

/**
 * The last status answer of recently read books, each valid for one version of the book's state
 * (`stateVersion`): the version comes with the access check's describe, or from the API's read model,
 * so a read of an unchanged book needs no worker round trip, nor a describe when the read model
 * vouches for it. A book this API changes is dropped at once, and an answer asked before the drop is
 * not kept: a reader never gets back the state before its own action. Least recently used books leave
 * first; an answer is kept at most `maxAgeMs` (its days left age).
 */
export class StatusCache {
  /** An entry without `json` marks a book dropped at `at`. */
  private readonly entries = new Map<string, { version?: string; json?: Buffer; at: number }>();

  constructor(
    private readonly max: number,
    private readonly maxAgeMs = 60_000,
  ) {}

  get(id: string, version: string | undefined): Buffer | undefined {
    const e = this.entries.get(id);
    if (!e?.json || !version || e.version !== version || Date.now() - e.at > this.maxAgeMs) return undefined;
    this.entries.delete(id);
    this.entries.set(id, e);
    return e.json;
  }

  /**
   * `version` is what the server said before the status was asked (`askedAt`): a later change only
   * makes it miss. An answer asked before the book was last dropped is not kept.
   */
  set(id: string, version: string | undefined, json: Buffer, askedAt: number): void {
    const e = this.entries.get(id);
    if (e && !e.json && e.at >= askedAt) return;
    this.entries.delete(id);
    if (!version || this.max <= 0) return;
    this.put(id, { version, json, at: askedAt });
  }

  /** This API changed the book: its answer goes, and any read begun before now is not kept. */
  drop(id: string): void {
    this.entries.delete(id);
    if (this.max > 0) this.put(id, { at: Date.now() });
  }

  private put(id: string, entry: { version?: string; json?: Buffer; at: number }): void {
    this.entries.set(id, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
