import { open, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where one line landed: its generation (which file, see `fileOf`), byte offset and length. */
export interface LineRef {
  gen: number;
  offset: number;
  length: number;
}

/**
 * An append-only NDJSON file bounded by size: when the next line would pass `maxBytes`, `file`
 * becomes `file.1` (`file.1` becomes `file.2`, …) and the oldest beyond `keep` is deleted. Appends
 * are serialised, so every line's offset is known; generations count from this process's start
 * (the current file is `gen`, `file.k` is `gen - k`), so a reference stays valid across rotations
 * until its file is dropped.
 */
export class RotatingLog {
  private size: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Generation of the current file. */
  gen = 0;

  constructor(
    readonly file: string,
    readonly maxBytes: number,
    /** Rotated files kept besides the current one. */
    readonly keep: number,
  ) {}

  /** Runs `fn` after every earlier append or scan (one at a time). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The file a generation lives in, or undefined once it was rotated away. */
  fileOf(gen: number): string | undefined {
    const k = this.gen - gen;
    if (k < 0 || k > this.keep) return undefined;
    return k === 0 ? this.file : `${this.file}.${k}`;
  }

  /** The files that exist or may exist, oldest first, with their generation. */
  files(): Array<{ gen: number; file: string }> {
    const out: Array<{ gen: number; file: string }> = [];
    for (let k = this.keep; k >= 0; k--) out.push({ gen: this.gen - k, file: k === 0 ? this.file : `${this.file}.${k}` });
    return out;
  }

  append(line: string): Promise<LineRef> {
    return this.serial(async () => {
      const buf = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
      if (this.size === undefined) {
        await mkdir(dirname(this.file), { recursive: true });
        this.size = await stat(this.file).then((s) => s.size, () => 0);
      }
      if (this.size > 0 && this.size + buf.length > this.maxBytes) await this.rotate();
      const fh = await open(this.file, 'a');
      try {
        await fh.write(buf);
      } finally {
        await fh.close();
      }
      const ref = { gen: this.gen, offset: this.size, length: buf.length };
      this.size += buf.length;
      return ref;
    });
  }

  private async rotate(): Promise<void> {
    await rm(`${this.file}.${this.keep}`, { force: true });
    for (let k = this.keep - 1; k >= 1; k--) await rename(`${this.file}.${k}`, `${this.file}.${k + 1}`).catch(() => undefined);
    if (this.keep > 0) await rename(this.file, `${this.file}.1`);
    else await rm(this.file, { force: true });
    this.gen++;
    this.size = 0;
    this.onRotate?.(this.gen - this.keep);
  }

  /** Called after a rotation with the oldest generation still kept. */
  onRotate?: (oldestKept: number) => void;

  /** Reads the given lines (one open per file), in the order given; lines of dropped files are skipped. */
  async read(refs: readonly LineRef[]): Promise<string[]> {
    const byGen = new Map<number, LineRef[]>();
    for (const r of refs) byGen.set(r.gen, [...(byGen.get(r.gen) ?? []), r]);
    const text = new Map<LineRef, string>();
    for (const [gen, list] of byGen) {
      const file = this.fileOf(gen);
      if (!file) continue;
      const fh = await open(file, 'r').catch(() => undefined);
      if (!fh) continue;
      try {
        for (const r of list) {
          const buf = Buffer.alloc(r.length);
          const { bytesRead } = await fh.read(buf, 0, r.length, r.offset);
          text.set(r, buf.subarray(0, bytesRead).toString('utf8'));
        }
      } finally {
        await fh.close();
      }
    }
    return refs.map((r) => text.get(r)).filter((t): t is string => t !== undefined);
  }
}
