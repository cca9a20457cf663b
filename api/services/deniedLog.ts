import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../../domain/actors';
import { RotatingLog, type LineRef } from './rotatingLog';

/** A refused attempt by a signed-in user: it never reaches the workflow's history, so the API keeps it for auditors. */
export interface DeniedAttempt {
  at: string;
  requestId: string;
  actor: Pick<Actor, 'userId' | 'role' | 'scope' | 'agencyCode'>;
  method: string;
  url: string;
  bookId?: string;
  action?: string;
  status: number;
  code: string;
  reason: string;
}

export interface AuditLogLimits {
  /** Bytes of one file before it rotates. */
  maxBytes: number;
  /** Rotated files kept besides the current one. */
  keep: number;
}

/** A book's history shows at most this many refusals (the newest). */
const MAX_PER_BOOK = 1000;

/**
 * Refused attempts of signed-in users, as NDJSON in `${SOHOA_DATA_DIR}/audit/denied.ndjson`, rotated
 * by size. An index in memory (book → where its lines are) is built once from the kept files and
 * kept up to date on append, so a book's history reads only that book's lines, never the whole log.
 */
export class DeniedLog {
  private readonly log: RotatingLog;
  private index: Map<string, LineRef[]> | undefined;
  private indexing: Promise<void> | undefined;
  /** Called for each attempt (metrics). */
  onAppend?: (a: DeniedAttempt) => void;

  constructor(file: string, limits: AuditLogLimits) {
    this.log = new RotatingLog(file, limits.maxBytes, limits.keep);
    this.log.onRotate = (oldest) => this.prune(oldest);
  }

  get file(): string {
    return this.log.file;
  }

  static inDataDir(dataDir: string, limits: AuditLogLimits): DeniedLog {
    return new DeniedLog(join(dataDir, 'audit', 'denied.ndjson'), limits);
  }

  async append(a: DeniedAttempt): Promise<void> {
    this.onAppend?.(a);
    await this.ensureIndex();
    const ref = await this.log.append(JSON.stringify(a));
    if (a.bookId) this.remember(a.bookId, ref);
  }

  /** Attempts on one book, oldest first (the newest MAX_PER_BOOK). */
  async forBook(bookId: string): Promise<DeniedAttempt[]> {
    await this.ensureIndex();
    const refs = this.index!.get(bookId) ?? [];
    const lines = await this.log.serial(() => this.log.read(refs));
    const out: DeniedAttempt[] = [];
    for (const line of lines) {
      try {
        const a = JSON.parse(line) as DeniedAttempt;
        // Lines written before refusals were split by who made them may be anonymous: not history.
        if (a.bookId === bookId && a.actor) out.push(a);
      } catch {
        // A line cut by a crash is skipped; the rest stays readable.
      }
    }
    return out;
  }

  private remember(bookId: string, ref: LineRef): void {
    const list = this.index!.get(bookId) ?? [];
    list.push(ref);
    if (list.length > MAX_PER_BOOK) list.splice(0, list.length - MAX_PER_BOOK);
    this.index!.set(bookId, list);
  }

  private prune(oldestKept: number): void {
    if (!this.index) return;
    for (const [id, list] of this.index) {
      const kept = list.filter((r) => r.gen >= oldestKept);
      if (kept.length) this.index.set(id, kept);
      else this.index.delete(id);
    }
  }

  /** Reads the kept files once, line by line, to learn where each book's lines are (the API starts it when ready). */
  ensureIndex(): Promise<void> {
    this.indexing ??= this.log.serial(async () => {
      this.index = new Map();
      for (const { gen, file } of this.log.files()) {
        let offset = 0;
        let rest = Buffer.alloc(0);
        const stream = createReadStream(file);
        try {
          for await (const chunk of stream as AsyncIterable<Buffer>) {
            let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
            let nl: number;
            while ((nl = buf.indexOf(10)) >= 0) {
              const line = buf.subarray(0, nl + 1);
              const id = /"bookId":"([^"]+)"/.exec(line.toString('utf8'))?.[1];
              if (id) this.remember(id, { gen, offset, length: line.length });
              offset += line.length;
              buf = buf.subarray(nl + 1);
            }
            rest = Buffer.from(buf);
          }
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
    });
    this.indexing.catch(() => (this.indexing = undefined));
    return this.indexing;
  }
}
