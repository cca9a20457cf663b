import { createReadStream } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Rows of a batch grouped by book, kept in temp JSONL files rather than in memory: a province's
 * batch may hold hundreds of thousands of rows; one book is read back at a time.
 */
export class RowSpool<T> {
  private dir: string | undefined;
  private readonly buffers = new Map<string, string[]>();
  private readonly files = new Map<string, string>();

  constructor(private readonly flushEvery = 500) {}

  async add(group: string, item: T): Promise<void> {
    let buf = this.buffers.get(group);
    if (!buf) this.buffers.set(group, (buf = []));
    buf.push(JSON.stringify(item));
    if (buf.length >= this.flushEvery) await this.flush(group);
  }

  private async flush(group: string): Promise<void> {
    const buf = this.buffers.get(group);
    if (!buf?.length) return;
    this.dir ??= await mkdtemp(join(tmpdir(), 'sohoa-c06-'));
    let file = this.files.get(group);
    if (!file) this.files.set(group, (file = join(this.dir, `${this.files.size}.jsonl`)));
    await appendFile(file, buf.join('\n') + '\n');
    buf.length = 0;
  }

  async *read(group: string): AsyncGenerator<T> {
    await this.flush(group);
    const file = this.files.get(group);
    if (!file) return;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (line) yield JSON.parse(line) as T;
    }
  }

  async dispose(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
