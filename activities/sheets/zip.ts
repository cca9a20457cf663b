import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { LimitExceeded } from '../limits';

/** A workbook in memory (a small upload) or on disk (a spooled batch): a zip is read from its end. */
export type ZipSource = { buffer: Buffer } | { path: string };

const MB = 1024 * 1024;
const OPTIONS = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false } as const;
// A workbook has a few dozen parts; thousands means something else.
const MAX_ENTRIES = 10_000;

type ZipFile = yauzl.ZipFile & { eachEntry(): AsyncIterable<yauzl.Entry> };

/**
 * The parts of an .xlsx, read by name under a budget of unpacked bytes: a part's declared size is
 * charged before it is unpacked (a bomb is refused without inflating it), and yauzl fails a part
 * that unpacks to more than it declared.
 */
export class WorkbookZip {
  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    private budget: number,
    private readonly maxMb: number,
    private readonly file: string,
  ) {}

  static async open(src: ZipSource, maxInflatedMb: number, file: string): Promise<WorkbookZip> {
    const zip = ('buffer' in src ? await yauzl.fromBufferPromise(src.buffer, OPTIONS) : await yauzl.openPromise(src.path, OPTIONS)) as ZipFile;
    try {
      if (zip.entryCount > MAX_ENTRIES) throw new Error(`tệp zip có ${zip.entryCount} phần, không giống tệp Excel`);
      const entries = new Map<string, yauzl.Entry>();
      for await (const e of zip.eachEntry()) entries.set(e.fileName.replace(/^\//, ''), e);
      return new WorkbookZip(zip, entries, maxInflatedMb * MB, maxInflatedMb, file);
    } catch (e) {
      zip.close();
      throw e;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The part's bytes, streamed; the caller may stop early. */
  async *read(name: string): AsyncGenerator<Buffer> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`thiếu phần ${name}`);
    if (entry.uncompressedSize > this.budget) {
      throw new LimitExceeded(
        'SOHOA_MAX_XLSX_INFLATED_MB',
        `tệp ${this.file}: phần ${name} bung ra ${Math.ceil(entry.uncompressedSize / MB)} MB, vượt giới hạn ${this.maxMb} MB cho cả tệp`,
      );
    }
    this.budget -= entry.uncompressedSize;
    const stream: Readable = await this.zip.openReadStreamPromise(entry);
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } finally {
      stream.destroy();
    }
  }

  close(): void {
    this.zip.close();
  }
}
