import { z } from 'zod';
import { isNotFound } from '../../clients/storage/errors';
import type { ArtifactStore } from '../../clients/storage/types';
import { ApiError } from '../errors';
import type { BookService } from './books';

/** Where the drafts of every book are listed: one marker per draft, so a sweep reads one prefix. */
const ROOT = 'drafts';

const draftSchema = z.object({
  bookId: z.string(),
  uploadId: z.string(),
  kind: z.enum(['scans', 'excel']),
  /** The draft's files: everything under this prefix. */
  prefix: z.string(),
  by: z.string(),
  at: z.iso.datetime(),
});
export type Draft = z.infer<typeof draftSchema>;

export interface DraftSettings {
  maxPerBook: number;
  ttlMs: number;
}

/**
 * Uploads stored without being submitted (`submit=false`, double entry): counted per book against a
 * quota, and removed with their files when not submitted within their time. A draft submitted to the
 * workflow (its key in `scansUploaded`/`excelUploaded`) is no longer a draft: its marker goes, its
 * files stay with the book.
 */
export class Drafts {
  constructor(
    private readonly store: ArtifactStore,
    private readonly books: Pick<BookService, 'status'>,
    private readonly settings: DraftSettings,
  ) {}

  private markerKey(bookId: string, uploadId: string): string {
    return `${ROOT}/${bookId}/${uploadId}.json`;
  }

  private async markers(prefix: string): Promise<string[]> {
    return (await this.store.list(prefix)).map((o) => o.key).filter((k) => k.endsWith('.json'));
  }

  /** 409 TooManyDrafts when the book already holds its quota (checked before the upload is read). */
  async assertRoom(bookId: string): Promise<void> {
    const n = (await this.markers(`${ROOT}/${bookId}/`)).length;
    if (n >= this.settings.maxPerBook) {
      throw new ApiError(
        'TooManyDrafts',
        `sổ ${bookId} đã có ${n} bản tải lên chưa gửi (tối đa ${this.settings.maxPerBook}, SOHOA_MAX_DRAFTS_PER_BOOK); gửi hoặc chờ các bản cũ được dọn`,
        [{ path: 'submit', message: 'quá số bản nháp cho phép' }],
      );
    }
  }

  async add(d: Omit<Draft, 'at'>, now = new Date()): Promise<void> {
    await this.store.put(this.markerKey(d.bookId, d.uploadId), JSON.stringify({ ...d, at: now.toISOString() }), { contentType: 'application/json' });
  }

  /**
   * The drafts whose files hold one of these keys were submitted: they stop being drafts. A failure
   * here is not the action's: the sweep keeps whatever the book's workflow holds.
   */
  async submitted(bookId: string, keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    try {
      for (const key of await this.markers(`${ROOT}/${bookId}/`)) {
        const d = await this.read(key);
        if (d && keys.some((k) => k === d.prefix || k.startsWith(`${d.prefix}/`))) await this.store.delete(key);
      }
    } catch {
      // The marker stays; the sweep finds the draft referenced and keeps its files.
    }
  }

  /**
   * Removes the drafts older than their time with their files, unless the book's workflow holds
   * one of their keys (submitted by a way that did not clear the marker). Returns what it did.
   */
  async sweep(now = Date.now()): Promise<{ removed: Draft[]; kept: number }> {
    // One sweep at a time: a slow one is not overtaken by the next tick.
    if (this.sweeping) return { removed: [], kept: 0 };
    this.sweeping = true;
    try {
      return await this.sweepOnce(now);
    } finally {
      this.sweeping = false;
    }
  }

  private sweeping = false;

  private async sweepOnce(now: number): Promise<{ removed: Draft[]; kept: number }> {
    const removed: Draft[] = [];
    let kept = 0;
    for (const key of await this.markers(`${ROOT}/`)) {
      const d = await this.read(key);
      if (d && Date.parse(d.at) + this.settings.ttlMs > now) {
        kept++;
        continue;
      }
      try {
        if (d && !(await this.referenced(d))) {
          await this.store.deletePrefix(d.prefix);
          removed.push(d);
        }
        await this.store.delete(key);
      } catch {
        // Temporal or the store did not answer: the draft waits for the next sweep.
        kept++;
      }
    }
    return { removed, kept };
  }

  private async referenced(d: Draft): Promise<boolean> {
    try {
      const status = await this.books.status(d.bookId);
      return status.artifacts.some((a) => a.key === d.prefix || a.key.startsWith(`${d.prefix}/`));
    } catch (e) {
      // An unknown book holds nothing.
      if (e instanceof ApiError && e.status === 404) return false;
      throw e;
    }
  }

  private async read(key: string): Promise<Draft | undefined> {
    try {
      const parsed = draftSchema.safeParse(JSON.parse((await this.store.getBuffer(key)).toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch (e) {
      if (isNotFound(e) || e instanceof SyntaxError) return undefined;
      throw e;
    }
  }
}
