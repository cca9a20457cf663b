import { badInput } from '../failures';
import { asyncLocalStorage } from '@temporalio/activity';
import type { ApplicationFailure } from '@temporalio/common';
import type { Book } from '../../domain/book';
import { artifactKeys, bookStem, zipName } from '../../domain/naming';
import { typeCode } from '../../domain/registerTypes';
import { checkKey, sha256Hex } from '../../clients/storage/keys';
import type { ArtifactStore, StoredObject } from '../../clients/storage/types';
import { DEFAULT_LIMITS, type Limits, type QualitySettings } from '../../clients/config';
import { PageChecker } from '../quality/pageChecks';
import { qualityKeys } from '../quality/keys';
import { warningsOf } from '../quality/report';
import { planCases, type CaseSource, type PageSource } from './cases';
import { inspectImage, type ImageInfo } from './images';
import { buildCasePdf, inspectPdf, type PdfLimits } from './pdf';
import { manifestSchema, SCANS_INVALID, type Manifest, type PackageInput, type PackageResult } from './types';
import { ZipWriter } from './zipWriter';
import { deliveryPagesProblem, listingProblems } from './deliveryLimits';

export interface PackageProgress {
  phase: 'check' | 'write';
  filesDone: number;
  files: number;
  bytesDone: number;
  bytes: number;
  /** Pages handed to the page checks so far (they run a few pages behind). */
  pagesChecked?: number;
}

export interface ScanActivityDeps {
  store: ArtifactStore;
  /** Progress reports; by default the Temporal heartbeat when running inside an activity. */
  heartbeat?: (progress: PackageProgress) => void;
  /** What a delivery may hold (pixels, pages, sizes); the configured defaults otherwise. */
  limits?: Limits;
  /** Page checks and OCR; none when absent. */
  quality?: QualitySettings;
}

interface Loaded {
  pdf?: Buffer;
  pages: { src: PageSource; data: Buffer }[];
}

/** Scans are page images or PDFs; what a file holds is told by its first bytes, not its extension. */
function sniff(data: Buffer): 'jpeg' | 'png' | undefined {
  if (data[0] === 0xff && data[1] === 0xd8) return 'jpeg';
  if (data[0] === 0x89 && data.toString('latin1', 1, 4) === 'PNG') return 'png';
  return undefined;
}

async function loadCase(store: ArtifactStore, c: CaseSource): Promise<Loaded> {
  if (c.pdf && c.pages.length === 0) return { pdf: await store.getBuffer(c.pdf.key), pages: [] };
  return { pages: await Promise.all(c.pages.map(async (src) => ({ src, data: await store.getBuffer(src.key) }))) };
}

/** Read-ahead: cases being loaded while the current one is processed, capped in count and bytes. */
const READ_AHEAD_CASES = 8;
const READ_AHEAD_BYTES = 16 * 1024 * 1024;

/**
 * Yields cases in order with their files loaded; later cases load meanwhile (hides store latency)
 * as long as they fit the read-ahead. A case bigger than that loads when its turn comes, so memory
 * holds at most the current case and the read-ahead, however big the cases.
 */
async function* prefetched(store: ArtifactStore, cases: CaseSource[]): AsyncGenerator<[CaseSource, Loaded]> {
  const queue: { c: CaseSource; loading: Promise<Loaded> }[] = [];
  let next = 0;
  let queuedBytes = 0;
  const load = () => {
    const c = cases[next++]!;
    const loading = loadCase(store, c);
    loading.catch(() => undefined); // awaited in turn; not an unhandled rejection if we stop early
    queue.push({ c, loading });
    queuedBytes += caseBytes(c);
  };
  const fill = () => {
    while (next < cases.length && queue.length < READ_AHEAD_CASES && queuedBytes + caseBytes(cases[next]!) <= READ_AHEAD_BYTES) load();
  };
  while (next < cases.length || queue.length) {
    if (!queue.length) load();
    const { c, loading } = queue.shift()!;
    const loaded = await loading;
    queuedBytes -= caseBytes(c);
    fill();
    yield [c, loaded];
  }
}

/** Writes of per-case PDFs running at once (each waits on its fsync), and the bytes they may hold. */
const WRITES_IN_FLIGHT = 4;
const WRITE_BYTES_IN_FLIGHT = 16 * 1024 * 1024;

/** At most `limit` store writes at once holding at most `maxBytes` (a bigger one runs alone); the first failure is rethrown by `add` or `drain`. */
class InFlight {
  private readonly running = new Map<Promise<void>, number>();
  private bytes = 0;
  private failure: { error: unknown } | undefined;
  constructor(
    private readonly limit: number,
    private readonly maxBytes: number,
  ) {}
  async add<T>(work: Promise<T>, bytes: number, then: (v: T) => void): Promise<void> {
    const p: Promise<void> = work.then(then).then(
      () => this.done(p),
      (error: unknown) => {
        this.done(p);
        this.failure ??= { error };
      },
    );
    this.running.set(p, bytes);
    this.bytes += bytes;
    while (this.running.size && (this.running.size >= this.limit || this.bytes > this.maxBytes) && !this.failure) await Promise.race(this.running.keys());
    if (this.failure) throw this.failure.error;
  }
  private done(p: Promise<void>): void {
    this.bytes -= this.running.get(p) ?? 0;
    this.running.delete(p);
  }
  async drain(): Promise<void> {
    await Promise.all(this.running.keys());
    if (this.failure) throw this.failure.error;
  }
}

const caseBytes = (c: CaseSource) => (c.pdf ? c.pdf.bytes : 0) + c.pages.reduce((s, p) => s + p.bytes, 0);
const caseFiles = (c: CaseSource) => (c.pdf ? 1 : 0) + c.pages.length;
const stemOf = (name: string) => name.replace(/\.pdf$/i, '');

/** Checks every page image (its declared size before anything else), builds the case's PDF from them and checks that it opens. */
async function imagesToPdf(c: CaseSource, loaded: Loaded, problems: string[], limits: PdfLimits): Promise<{ pdf?: Uint8Array; pages: number }> {
  const infos: { data: Buffer; info: ImageInfo }[] = [];
  let bad = false;
  for (const { src, data } of loaded.pages) {
    const kind = sniff(data);
    if (!kind) {
      problems.push(`${src.path}: không phải ảnh JPEG hay PNG`);
      bad = true;
      continue;
    }
    const r = inspectImage(kind, data, limits);
    if (!r.ok) {
      problems.push(`${src.path}: ${r.problem}`);
      bad = true;
    } else infos.push({ data, info: r.info });
  }
  if (bad) return { pages: 0 };
  let pdf: Uint8Array;
  try {
    pdf = await buildCasePdf(stemOf(c.name), infos);
  } catch (e) {
    // The images' bytes are at fault (a PNG whose data does not inflate): retrying cannot help.
    problems.push(`${c.name}: không dựng được PDF từ ảnh (${(e as Error).message.split('\n')[0]?.slice(0, 160)})`);
    return { pages: 0 };
  }
  const check = await inspectPdf(pdf, limits);
  if (!check.ok || check.pages !== infos.length) {
    problems.push(`${c.name}: PDF dựng từ ảnh không mở được (${check.ok ? `${check.pages} trang thay vì ${infos.length}` : check.problem})`);
    return { pages: 0 };
  }
  return { pdf, pages: check.pages };
}

/** The pages of a case checked in pass 1, with their header info again. */
const imageInfos = (loaded: Loaded, limits: PdfLimits) =>
  loaded.pages.map(({ data }) => ({ data, info: (inspectImage(sniff(data)!, data, limits) as { ok: true; info: ImageInfo }).info }));

/** A delivered PDF sanitised in pass 1, sanitised again (same bytes: the save is deterministic). */
async function sanitisedAgain(pdf: Buffer, limits: PdfLimits): Promise<Uint8Array> {
  const check = await inspectPdf(pdf, limits, { sanitise: true });
  if (!check.ok || !check.sanitised) throw new Error('PDF đã làm sạch ở lượt kiểm tra nay đọc khác đi');
  return check.sanitised;
}

/** Warnings of the page checks go along with the problems, so the contractor fixes those pages in the same round. */
function invalid(book: Book, problems: string[], warnings: string[] = []): ApplicationFailure {
  const head = `Bản quét sổ ${bookStem(book)} có ${problems.length} lỗi, chưa đóng gói. Xin sửa và tải lên lại:`;
  const lines = [head, ...problems.map((p) => `- ${p}`), ...warnings.map((w) => `- (cảnh báo) ${w}`)];
  return badInput(SCANS_INVALID, lines.join('\n'), warnings.length ? { problems, warnings } : { problems });
}

function resultOf(m: Manifest, manifest: StoredObject): PackageResult {
  const { key, bytes, sha256 } = m.zip;
  const r: PackageResult = { pdfs: m.totals.pdfs, pages: m.totals.pages, bytes: m.totals.bytes, files: m.totals.files, zip: { key, bytes, sha256 }, manifest, checksums: m.checksums };
  if (m.quality?.warnings.length) r.warnings = m.quality.warnings;
  return r;
}

/** The settings a package was made with, as the manifest keeps them: a retry with other settings does the work again. */
const settingsOf = (q: QualitySettings | undefined) => (q ? JSON.stringify({ ...q, concurrency: undefined }) : undefined);

/** A manifest already written for this very delivery, whose objects are all still there: the work is done. */
async function finishedBefore(store: ArtifactStore, book: Book, uploadPrefix: string, expected: number | undefined, quality: QualitySettings | undefined): Promise<PackageResult | undefined> {
  const keys = artifactKeys(book);
  const head = await store.head(keys.manifest);
  if (!head) return undefined;
  let json: unknown;
  try {
    json = JSON.parse((await store.getBuffer(keys.manifest)).toString('utf8'));
  } catch {
    return undefined; // not ours or damaged: do the work again
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  if (m.uploadPrefix !== uploadPrefix || m.expectedCases !== (expected ?? null)) return undefined;
  const same = (a: StoredObject | undefined, b: StoredObject) => a?.sha256 === b.sha256 && a.bytes === b.bytes;
  if (!same(await store.head(m.zip.key), m.zip) || !same(await store.head(m.checksums.key), m.checksums)) return undefined;
  if (m.quality?.settings !== settingsOf(quality)) return undefined;
  for (const extra of [m.quality, m.ocr]) if (extra && !same(await store.head(extra.key), extra)) return undefined;
  const pdfs = new Map((await store.list(keys.pdfs)).map((o) => [o.key, o]));
  if (pdfs.size !== m.files.length || !m.files.every((f) => same(pdfs.get(f.key), f))) return undefined;
  return resultOf(m, head);
}

/**
 * Packages a contractor's delivery for a book: checks every name and file, makes one PDF per case,
 * writes them under `pdfs/`, the book's zip, a `.sha256` file and the manifest. Bad input fails
 * (non-retryable) with every problem listed and nothing written. Everything written is a pure
 * function of the delivery (fixed dates, sorted order), and each object is replaced atomically,
 * so a retry after a crash writes the same keys with the same checksums. One case at a time is
 * held in memory (two with read-ahead).
 */
export async function packageScans(deps: ScanActivityDeps, input: PackageInput): Promise<PackageResult> {
  const { store } = deps;
  const { book, uploadPrefix } = input;
  const expected = input.expectedCases ?? book.expectedCases;
  const keys = artifactKeys(book);
  const ctx = asyncLocalStorage.getStore();
  const heartbeat = deps.heartbeat ?? ((p: PackageProgress) => ctx?.heartbeat(p));
  const signal = ctx?.cancellationSignal;

  try {
    checkKey(uploadPrefix);
  } catch (e) {
    throw invalid(book, [(e as Error).message]);
  }
  if (!uploadPrefix.startsWith(`${keys.uploads}/`)) throw invalid(book, [`lần tải lên ${uploadPrefix} không thuộc sổ này (phải nằm dưới ${keys.uploads}/)`]);

  const done = await finishedBefore(store, book, uploadPrefix, expected, deps.quality);
  if (done) return done;

  const limits = deps.limits ?? DEFAULT_LIMITS;
  const plan = planCases(book, uploadPrefix, await store.list(uploadPrefix), expected);
  // Over a limit already in the listing: refused before a single file is read.
  const overLimits = listingProblems(plan.cases, limits);
  if (overLimits.length) throw invalid(book, [...plan.problems, ...overLimits]);
  const problems = [...plan.problems];
  const total = { files: plan.files, bytes: plan.cases.reduce((s, c) => s + caseBytes(c), 0) };
  const progress = { filesDone: 0, bytesDone: 0 };
  const step = (phase: PackageProgress['phase'], c: CaseSource) => {
    progress.filesDone += caseFiles(c);
    progress.bytesDone += caseBytes(c);
    heartbeat({ phase, ...progress, ...total });
    signal?.throwIfAborted();
  };

  // Pass 1: read and check everything. The zip is written meanwhile, to a temp object that only
  // becomes the book's zip if every check passes; at the first problem it is dropped. A delivered
  // PDF with active content goes on sanitised, like a built one (`builtSha`).
  const pageCounts = new Map<string, number>();
  const builtSha = new Map<string, string>();
  const shaOf = (b: Uint8Array) => sha256Hex(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  let pages = plan.cases.reduce((n, c) => n + (c.pdf ? 0 : c.pages.length), 0);
  let zip = problems.length === 0 ? new ZipWriter(store, keys.zip) : undefined;
  const checker = deps.quality && new PageChecker(deps.quality, limits.SOHOA_MAX_IMAGE_MEGAPIXELS, signal);
  let pagesChecked = 0;
  /** The invisible text of each case's pages (about 3 kB a page), to make its PDF again in pass 2. */
  const textLayers = new Map<string, Uint8Array[]>();
  let checked: Awaited<ReturnType<PageChecker['finish']>> | undefined;
  try {
    for await (const [c, loaded] of prefetched(store, plan.cases)) {
      let pdf: Uint8Array | undefined;
      if (c.pdf && c.pages.length === 0) {
        const check = await inspectPdf(loaded.pdf!, limits, { sanitise: true });
        if (check.ok) {
          pdf = check.sanitised ?? loaded.pdf!;
          pageCounts.set(c.name, check.pages);
          if (check.sanitised) builtSha.set(c.name, shaOf(check.sanitised));
          pages += check.pages;
        } else problems.push(`${c.name}: ${check.problem}`);
      } else if (!c.pdf) {
        const r = await imagesToPdf(c, loaded, problems, limits);
        if (r.pdf) {
          pdf = r.pdf;
          pageCounts.set(c.name, r.pages);
          builtSha.set(c.name, shaOf(r.pdf));
          // Delivered PDFs are not checked page by page: that needs a renderer, not an image decoder.
          if (checker && !problems.length) {
            const infos = imageInfos(loaded, limits);
            const added: number[] = [];
            for (const [i, { data, info }] of infos.entries()) {
              added.push(await checker.add({ key: loaded.pages[i]!.src.key, case: c.name, caseNo: c.caseNo!, page: i + 1, kind: info.kind, data, dpi: Math.min(info.dpiX, info.dpiY) }));
              heartbeat({ phase: 'check', ...progress, ...total, pagesChecked: ++pagesChecked });
            }
            // With OCR, the case's PDF waits for its pages' text, laid over them invisibly (searchable).
            const layers = await checker.layersOf(added);
            if (layers) {
              pdf = await buildCasePdf(stemOf(c.name), infos, layers);
              builtSha.set(c.name, shaOf(pdf));
              textLayers.set(c.name, layers);
            }
          }
        }
      }
      // Past the delivery's pages, the rest is not even opened.
      const overPages = pages > limits.SOHOA_MAX_DELIVERY_PAGES;
      if (overPages) problems.push(deliveryPagesProblem(pages, limits));
      if (zip && problems.length) {
        await zip.abort(new Error('bản quét có lỗi'));
        zip = undefined;
      }
      if (zip && pdf) await zip.add(c.name, pdf);
      step('check', c);
      if (overPages) break;
    }
    if (checker && !problems.length) {
      checked = await checker.finish();
      problems.push(...checked.findings.filter((f) => f.blocking).map((f) => f.message));
      if (zip && problems.length) {
        await zip.abort(new Error('bản quét có trang hỏng'));
        zip = undefined;
      }
    }
  } catch (e) {
    await zip?.abort(e as Error);
    throw e;
  }
  if (problems.length || !zip) throw invalid(book, problems, checked ? warningsOf(checked.findings) : []);

  // An earlier delivery's manifest would no longer describe the zip and PDFs from here on.
  await store.delete(keys.manifest);
  const zipObj = await zip.finish();

  // Pass 2: the per-case PDFs. Delivered ones are copied (server-side on S3, a hard link on disk);
  // built and sanitised ones are made again, byte for byte what went into the zip. Writes overlap (each is fsynced).
  progress.filesDone = progress.bytesDone = 0;
  const files: Manifest['files'] = plan.cases.map((c) => ({
    name: c.name,
    caseNo: c.caseNo!,
    key: `${keys.pdfs}/${c.name}`,
    pages: pageCounts.get(c.name)!,
    bytes: 0,
    sha256: '',
    from: c.pdf ? 'pdf' : 'images',
  }));
  const index = new Map(plan.cases.map((c, i) => [c, i]));
  const stored = (i: number) => (o: StoredObject) => Object.assign(files[i]!, { bytes: o.bytes, sha256: o.sha256 });
  const writes = new InFlight(WRITES_IN_FLIGHT, WRITE_BYTES_IN_FLIGHT);
  try {
    for (const c of plan.cases.filter((x) => x.pdf && !builtSha.has(x.name))) {
      const i = index.get(c)!;
      await writes.add(store.copy(c.pdf!.key, files[i]!.key), 0, stored(i));
      step('write', c);
    }
    for await (const [c, loaded] of prefetched(store, plan.cases.filter((x) => builtSha.has(x.name)))) {
      const i = index.get(c)!;
      const data = c.pdf ? await sanitisedAgain(loaded.pdf!, limits) : await buildCasePdf(stemOf(c.name), imageInfos(loaded, limits), textLayers.get(c.name));
      const put = store.put(files[i]!.key, Buffer.from(data.buffer, data.byteOffset, data.byteLength), { contentType: 'application/pdf' });
      await writes.add(put, data.byteLength, (o) => {
        // Cannot happen while buildCasePdf is deterministic; if it ever is not, fail loudly (and retry).
        if (o.sha256 !== builtSha.get(c.name)) throw new Error(`${c.name}: PDF dựng lại khác bản trong tệp zip`);
        stored(i)(o);
      });
      step('write', c);
    }
    await writes.drain();
  } catch (e) {
    await writes.drain().catch(() => undefined);
    throw e;
  }

  // PDFs of an earlier delivery that this one no longer has.
  const current = new Set(files.map((f) => f.key));
  for (const o of await store.list(keys.pdfs)) if (!current.has(o.key)) await store.delete(o.key);

  const extras = await writeQuality(store, book, deps.quality, checked);
  const lines = [...files.map((f) => `${f.sha256}  ${f.name}`), `${zipObj.sha256}  ${zipName(book)}`];
  const checksums = await store.put(keys.checksums, lines.join('\n') + '\n', { contentType: 'text/plain; charset=utf-8' });
  const totals = { pdfs: files.length, pages: files.reduce((s, f) => s + f.pages, 0), bytes: files.reduce((s, f) => s + f.bytes, 0), files: plan.files };
  const m: Manifest = {
    format: 'sohoa.scans/1',
    book: { agencyCode: book.agency.code, type: book.type, typeCode: typeCode(book.type), bookNo: book.bookNo, yearFrom: book.yearFrom, yearTo: book.yearTo, stem: bookStem(book) },
    uploadPrefix,
    expectedCases: expected ?? null,
    zip: { ...zipObj, name: zipName(book) },
    checksums,
    totals,
    files,
    ...extras,
  };
  // Written last: a manifest present means the package is complete.
  const manifest = await store.put(keys.manifest, JSON.stringify(m, null, 2) + '\n', { contentType: 'application/json' });
  return resultOf(m, manifest);
}

/**
 * The page checks' report and the recognised text beside the package (sorted as the pages are,
 * so the same delivery and settings write the same bytes); an earlier delivery's are removed.
 */
async function writeQuality(store: ArtifactStore, book: Book, settings: QualitySettings | undefined, checked: Awaited<ReturnType<PageChecker['finish']>> | undefined): Promise<Pick<Manifest, 'quality' | 'ocr'>> {
  const qk = qualityKeys(book);
  const json = (v: unknown) => JSON.stringify(v, null, 1) + '\n';
  const out: Pick<Manifest, 'quality' | 'ocr'> = {};
  if (settings && checked) {
    const stored = await store.put(qk.report, json({ format: 'sohoa.quality/1', findings: checked.findings, pages: checked.pages }), { contentType: 'application/json' });
    const blocking = checked.findings.filter((f) => f.blocking).length;
    out.quality = { ...stored, settings: settingsOf(settings)!, findings: checked.findings.length, blocking, warnings: warningsOf(checked.findings) };
  } else await store.delete(qk.report);
  if (checked?.ocr) {
    const stored = await store.put(qk.ocr, json({ format: 'sohoa.ocr/1', pages: checked.ocr }), { contentType: 'application/json' });
    const conf = checked.ocr.length ? checked.ocr.reduce((s, p) => s + p.confidence, 0) / checked.ocr.length : 0;
    out.ocr = { ...stored, pages: checked.ocr.length, meanConfidence: Math.round(conf * 10) / 10 };
  } else await store.delete(qk.ocr);
  return out;
}

/** The scan activities, bound to their dependencies. */
export function createScanActivities(deps: ScanActivityDeps) {
  return {
    packageScans: (input: PackageInput): Promise<PackageResult> => packageScans(deps, input),
  };
}
export type ScanActivities = ReturnType<typeof createScanActivities>;
