import type { ErrorCode } from '../../contracts/v1';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import type { Book } from '../../domain/book';
import { artifactKeys, bookStem } from '../../domain/naming';
import type { ArtifactStore } from '../../clients/storage/types';
import { DEFAULT_LIMITS, type Limits } from '../../clients/config';
import { byteMeter, peek, ZIP_MAGIC } from '../streams';
import { classifyDelivered } from './layout';

/** One delivered file: its relative path (`KS.2017.01.2017-02-03.05.pdf`, `KS.2017.01.2017-02-03.05/001.jpg`, `giao.zip`) and content. */
export interface IntakeFile {
  name: string;
  body: Readable | Buffer;
}

export interface IntakeInput {
  book: Book;
  /** Files in the order received (e.g. the parts of a multipart request), or one zip. */
  files: Iterable<IntakeFile> | AsyncIterable<IntakeFile>;
  /** Chosen by the caller to make a retried request land in the same place; generated otherwise. */
  uploadId?: string;
  /** Limit on the delivery's total (uncompressed) size. */
  maxBytes?: number;
  /** Where a zip is spooled to be read (a zip's directory is at its end). */
  tmpDir?: string;
  /** What a zip may hold (entries, compression ratio); the configured defaults otherwise. */
  limits?: ZipLimits;
  /**
   * `unpack` (default) reads zips here; `stash` stores each zip as it came under `<uploadPrefix>/.zips/`
   * for a worker to unpack (unpackStashed): the API never inflates a contractor's zip itself.
   */
  zips?: 'unpack' | 'stash';
  /** What an earlier part of the same delivery stored: paths (with their delivered names) and bytes. */
  earlier?: StoredSoFar;
}

/** The files a delivery stored so far: stored path → delivered name, and their bytes. */
export interface StoredSoFar {
  stored: Array<[path: string, deliveredName: string]>;
  bytes: number;
}

/** A zip kept as it came, to be unpacked on a worker. */
export interface StashedZip {
  key: string;
  name: string;
}

export type ZipLimits = Pick<Limits, 'SOHOA_MAX_ZIP_ENTRIES' | 'SOHOA_MAX_ZIP_RATIO'>;

export interface IntakeResult {
  uploadId: string;
  /** What the workflow's `scansUploaded` update and `packageScans` take. */
  uploadPrefix: string;
  files: number;
  bytes: number;
  /** Zips left for a worker (`zips: 'stash'`), and what was stored beside them. */
  stashed: StashedZip[];
  storedSoFar: StoredSoFar;
}

/** One problem of a delivery: the file (or the upload) it is about, and the whole sentence (Vietnamese). */
interface DeliveryProblem {
  path: string;
  message: string;
}

/**
 * A delivery that cannot be taken; `details` lists every problem with its file. Nothing is kept.
 * `code` says why as the contract names it: too large, or not a valid delivery.
 */
export class IntakeError extends Error {
  readonly problems: string[];
  constructor(
    readonly details: DeliveryProblem[],
    book: Book,
    readonly code: Extract<ErrorCode, 'PayloadTooLarge' | 'InvalidDelivery'> = 'InvalidDelivery',
  ) {
    const problems = details.map((d) => d.message);
    super([`Không nhận được bản quét sổ ${bookStem(book)}:`, ...problems.map((p) => `- ${p}`)].join('\n'));
    this.name = 'IntakeError';
    this.problems = problems;
  }
}

/** Where a stashed zip waits for its worker, inside the upload (removed with it on any problem). */
const STASH = '.zips';
const UPLOAD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

const megabytes = (n: number) => (n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MB` : `${Math.ceil(n / 1024)} kB`);

type Keepable = Extract<ReturnType<typeof classifyDelivered>, { kind: 'pdf' | 'page' }>;

export function newUploadId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** Past the delivery's limit; the message, when there is one, says which zip declared too much. */
class TooLarge extends Error {}

/** The TooLarge behind a failure: thrown as it is, or the cause of a failed pipeline. */
const tooLargeIn = (e: unknown): TooLarge | undefined => (e instanceof TooLarge ? e : (e as { cause?: unknown } | undefined)?.cause instanceof TooLarge ? ((e as { cause: TooLarge }).cause) : undefined);

/** Counts bytes across the whole delivery and stops it past the limit. */
class Budget {
  used = 0;
  constructor(readonly max: number) {}
  meter(): Transform {
    return byteMeter(this, () => new TooLarge());
  }
}

async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream); // the rest of a multipart request must still be read
}

/**
 * Takes a contractor's delivery for a book and stores it under `artifactKeys(book).uploads/<uploadId>`
 * in the layout packageScans reads: per-case PDFs, folders of page images (JPEG, PNG), or a zip of
 * either (read entry by entry, never whole in memory). Names are only sorted into that layout here;
 * checking them against the book is packageScans' work. On any problem the stored part is removed and
 * an IntakeError lists them all.
 */
export async function intakeScans(store: ArtifactStore, input: IntakeInput): Promise<IntakeResult> {
  const uploadId = input.uploadId ?? newUploadId();
  if (!UPLOAD_ID.test(uploadId)) throw new IntakeError([{ path: 'uploadId', message: `mã lần tải lên "${uploadId}" không hợp lệ` }], input.book);
  const uploadPrefix = `${artifactKeys(input.book).uploads}/${uploadId}`;
  const budget = new Budget(input.maxBytes ?? Number.MAX_SAFE_INTEGER);
  const problems: DeliveryProblem[] = [];
  let tooLarge = false;
  const stored = new Map<string, string>(input.earlier?.stored); // stored path → delivered name
  let bytes = input.earlier?.bytes ?? 0;
  budget.used = bytes;
  const stashed: StashedZip[] = [];

  /** Where a delivered file goes, or undefined (its problem listed) when it is not kept. */
  const accept = (deliveredName: string): Keepable | undefined => {
    const e = classifyDelivered(deliveredName);
    if (e.kind === 'ignored') return undefined;
    if (e.kind === 'invalid') {
      problems.push({ path: e.path, message: e.problem });
      return undefined;
    }
    const first = stored.get(e.path);
    if (first !== undefined) {
      problems.push({ path: deliveredName, message: `${deliveredName}: trùng tên với ${first}` });
      return undefined;
    }
    stored.set(e.path, deliveredName);
    return e;
  };
  const put = (key: string, body: Readable, contentType: string) => {
    const metered = budget.meter();
    // pipeline, not pipe: a failing source (bad zip entry, broken request) must fail the write.
    pipeline(body, metered).catch(() => undefined);
    return store.put(key, metered, { contentType });
  };
  const keep = async (e: Keepable, body: Readable) => {
    const o = await put(`${uploadPrefix}/${e.path}`, body, e.kind === 'pdf' ? 'application/pdf' : e.image === 'png' ? 'image/png' : 'image/jpeg');
    bytes += o.bytes;
  };

  try {
    for await (const file of input.files) {
      const body = Buffer.isBuffer(file.body) ? Readable.from([file.body]) : file.body;
      const [head, whole] = await peek(body, 4);
      const isZip = head.equals(ZIP_MAGIC) || head.equals(EMPTY_ZIP) || /\.zip$/i.test(file.name);
      if (isZip && input.zips === 'stash') {
        const key = `${uploadPrefix}/${STASH}/${stashed.length + 1}.zip`;
        stashed.push({ key, name: file.name });
        await put(key, whole, 'application/zip');
      } else if (isZip) await unzipInto({ zipName: file.name, body: whole, accept, keep, problems, budget, limits: input.limits ?? DEFAULT_LIMITS, tmpDir: input.tmpDir });
      else {
        const e = accept(file.name);
        await (e ? keep(e, whole) : drain(whole));
      }
    }
    if (stored.size === 0 && stashed.length === 0 && problems.length === 0) problems.push({ path: 'tệp', message: 'không có tệp PDF hay ảnh nào trong lần tải lên' });
  } catch (e) {
    const over = tooLargeIn(e);
    if (over) {
      tooLarge = true;
      const limit = megabytes(budget.max);
      problems.push({ path: 'tệp', message: over.message ? `${over.message}, vượt giới hạn ${limit} của lần tải lên (SOHOA_MAX_UPLOAD_MB)` : `lần tải lên vượt quá giới hạn ${limit}` });
    } else {
      await store.deletePrefix(uploadPrefix).catch(() => undefined);
      throw e;
    }
  }
  if (problems.length) {
    await store.deletePrefix(uploadPrefix);
    throw new IntakeError(problems, input.book, tooLarge ? 'PayloadTooLarge' : 'InvalidDelivery');
  }
  return { uploadId, uploadPrefix, files: stored.size, bytes, stashed, storedSoFar: { stored: [...stored], bytes } };
}

/** Convenience for a request whose body is one file (a zip, or a single PDF). */
export function intakeStream(store: ArtifactStore, input: Omit<IntakeInput, 'files'> & { name: string; body: Readable | Buffer }): Promise<IntakeResult> {
  const { name, body, ...rest } = input;
  return intakeScans(store, { ...rest, files: [{ name, body }] });
}

export interface UnpackInput extends Required<Pick<IntakeInput, 'uploadId' | 'maxBytes'>> {
  book: Book;
  zips: StashedZip[];
  earlier: StoredSoFar;
  limits?: ZipLimits;
  tmpDir?: string;
}

/**
 * Unpacks the zips an intake stashed (`zips: 'stash'`) into the same upload, on a worker, then drops
 * them: the delivery ends as if it had been read in one go (problems remove all of it).
 */
export async function unpackStashed(store: ArtifactStore, input: UnpackInput): Promise<IntakeResult> {
  const { zips, ...rest } = input;
  async function* files(): AsyncGenerator<IntakeFile> {
    for (const z of zips) yield { name: z.name, body: await store.get(z.key) };
  }
  const r = await intakeScans(store, { ...rest, files: files() });
  await Promise.all(zips.map((z) => store.delete(z.key)));
  return r;
}

type ZipFileWithIterator = yauzl.ZipFile & { eachEntry(): AsyncIterable<yauzl.Entry> };

interface Unzip {
  zipName: string;
  body: Readable;
  accept: (name: string) => Keepable | undefined;
  keep: (e: Keepable, body: Readable) => Promise<void>;
  problems: DeliveryProblem[];
  budget: Budget;
  limits: ZipLimits;
  tmpDir: string | undefined;
}

// Below this an entry may be as compressible as it likes (a text file of spaces, a blank page).
const RATIO_FROM_BYTES = 1 << 20;

/**
 * What a zip's directory declares, checked before anything is inflated: entries, the bytes they
 * unpack to all together (ignored ones too) against what is left of the delivery's budget, and
 * each entry's compression ratio. yauzl then fails an entry that inflates to more than it declared.
 */
function checkDeclared(u: Unzip, entries: yauzl.Entry[]): void {
  const declared = entries.reduce((n, e) => n + e.uncompressedSize, 0);
  if (u.budget.used + declared > u.budget.max) throw new TooLarge(`${u.zipName}: các tệp trong zip bung ra ${megabytes(declared)}`);
  for (const e of entries) {
    if (e.uncompressedSize <= RATIO_FROM_BYTES || e.uncompressedSize <= u.limits.SOHOA_MAX_ZIP_RATIO * e.compressedSize) continue;
    const ratio = Math.round(e.uncompressedSize / Math.max(1, e.compressedSize));
    u.problems.push({
      path: `${u.zipName}/${e.fileName}`,
      message: `${u.zipName}/${e.fileName}: nén bất thường (bung ra gấp ${ratio} lần), tối đa ${u.limits.SOHOA_MAX_ZIP_RATIO} lần (SOHOA_MAX_ZIP_RATIO)`,
    });
  }
}

async function unzipInto(u: Unzip): Promise<void> {
  const { zipName, problems } = u;
  const dir = await mkdtemp(join(u.tmpDir ?? tmpdir(), 'sohoa-intake-'));
  try {
    const path = join(dir, 'delivery.zip');
    await pipeline(u.body, createWriteStream(path));
    let zip: ZipFileWithIterator;
    try {
      zip = (await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false })) as ZipFileWithIterator;
    } catch (e) {
      problems.push({ path: zipName, message: `${zipName}: không đọc được tệp zip (${(e as Error).message})` });
      return;
    }
    try {
      if (zip.entryCount > u.limits.SOHOA_MAX_ZIP_ENTRIES) {
        problems.push({ path: zipName, message: `${zipName}: có ${zip.entryCount} tệp, vượt giới hạn ${u.limits.SOHOA_MAX_ZIP_ENTRIES} tệp (SOHOA_MAX_ZIP_ENTRIES)` });
        return;
      }
      const entries: yauzl.Entry[] = [];
      for await (const entry of zip.eachEntry()) entries.push(entry);
      const before = problems.length;
      checkDeclared(u, entries);
      if (problems.length > before) return;
      for (const entry of entries) {
        const name = entry.fileName;
        if (name.endsWith('/')) continue;
        if (/\.zip$/i.test(name)) {
          problems.push({ path: `${zipName}/${name}`, message: `${zipName}/${name}: không nhận tệp zip lồng trong tệp zip` });
          continue;
        }
        if (entry.isEncrypted()) {
          problems.push({ path: `${zipName}/${name}`, message: `${zipName}/${name}: tệp bị đặt mật khẩu` });
          continue;
        }
        if (!entry.canDecodeFileData()) {
          problems.push({ path: `${zipName}/${name}`, message: `${zipName}/${name}: kiểu nén không hỗ trợ (chỉ nhận store hoặc deflate)` });
          continue;
        }
        // An entry that is not kept is never inflated.
        const e = u.accept(name);
        if (e) await u.keep(e, await zip.openReadStreamPromise(entry));
      }
    } catch (e) {
      if (tooLargeIn(e)) throw e;
      problems.push({ path: zipName, message: `${zipName}: tệp zip hỏng (${(e as Error).message})` });
    } finally {
      zip.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
