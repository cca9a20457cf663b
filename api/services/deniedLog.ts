import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Actor } from '../../domain/actors';

/** A refused attempt: it never reaches the workflow's history, so the API keeps it for auditors. */
export interface DeniedAttempt {
  at: string;
  requestId: string;
  actor: Pick<Actor, 'userId' | 'role' | 'scope' | 'agencyCode'> | null;
  method: string;
  url: string;
  bookId?: string;
  action?: string;
  status: number;
  code: string;
  reason: string;
}

/** Append-only NDJSON file of denied attempts (`${SOHOA_DATA_DIR}/audit/denied.ndjson`). */
export class DeniedLog {
  private ready: Promise<unknown> | undefined;
  /** Called for each attempt (metrics). */
  onAppend?: (a: DeniedAttempt) => void;
  constructor(readonly file: string) {}

  static inDataDir(dataDir: string): DeniedLog {
    return new DeniedLog(join(dataDir, 'audit', 'denied.ndjson'));
  }

  async append(a: DeniedAttempt): Promise<void> {
    this.onAppend?.(a);
    this.ready ??= mkdir(dirname(this.file), { recursive: true });
    await this.ready;
    await appendFile(this.file, JSON.stringify(a) + '\n');
  }

  /** Attempts on one book, oldest first. */
  async forBook(bookId: string): Promise<DeniedAttempt[]> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    const out: DeniedAttempt[] = [];
    for (const line of text.split('\n')) {
      if (!line.includes(bookId)) continue;
      try {
        const a = JSON.parse(line) as DeniedAttempt;
        if (a.bookId === bookId) out.push(a);
      } catch {
        // A line cut by a crash is skipped; the rest of the file stays readable.
      }
    }
    return out;
  }
}
