import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Book } from '../../domain/book';
import { artifactKeys, bookStem, zipName } from '../../domain/naming';
import { typeCode } from '../../domain/registerTypes';
import { checkKey } from '../storage/keys';
import type { ArtifactStore, StoredObject } from '../storage/types';
import { planCases, type CaseSource, type PageSource } from './cases';
import { inspectImage, type ImageInfo } from './images';
import { buildCasePdf, inspectPdf } from './pdf';
import { manifestSchema, SCANS_INVALID, type Manifest, type PackageInput, type PackageResult } from './types';
import { ZipWriter } from './zipWriter';

export interface PackageProgress {
  phase: 'check' | 'write';
  filesDone: number;
  files: number;
  bytesDone: number;
  bytes: number;
}

export interface ScanActivityDeps {
  store: ArtifactStore;
  /** Progress reports; by default the Temporal heartbeat when running inside an activity. */
  heartbeat?: (progress: PackageProgress) => void;
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
  const pages = [];
  for (const src of c.pages) pages.push({ src, data: await store.getBuffer(src.key) });
  return { pages };
}

/** Loads the next case while the current one is processed (hides store latency, 2 cases in memory). */
async function* prefetched(store: ArtifactStore, cases: CaseSource[]): AsyncGenerator<[CaseSource, Loaded]> {
  let next = cases.length ? loadCase(store, cases[0]!) : undefined;
  for (let i = 0; i < cases.length; i++) {
    const current = next!;
    next = i + 1 < cases.length ? loadCase(store, cases[i + 1]!) : undefined;
    next?.catch(() => undefined); // awaited on the next turn; not an unhandled rejection if we stop early
    yield [cases[i]!, await current];
  }
}

const caseBytes = (c: CaseSource) => (c.pdf ? c.pdf.bytes : 0) + c.pages.reduce((s, p) => s + p.bytes, 0);
const caseFiles = (c: CaseSource) => (c.pdf ? 1 : 0) + c.pages.length;
const stemOf = (name: string) => name.replace(/\.pdf$/i, '');

/** Checks every page image, builds the case's PDF from them and checks that it opens. */
async function imagesToPdf(c: CaseSource, loaded: Loaded, problems: string[]): Promise<{ pdf?: Uint8Array; pages: number }> {
  const infos: { data: Buffer; info: ImageInfo }[] = [];
  let bad = false;
  for (const { src, data } of loaded.pages) {
    const kind = sniff(data);
    if (!kind) {
      problems.push(`${src.path}: không phải ảnh JPEG hay PNG`);
      bad = true;
      continue;
    }
    const r = inspectImage(kind, data);
    if (!r.ok) {
      problems.push(`${src.path}: ${r.problem}`);
      bad = true;
    } else infos.push({ data, info: r.info });
  }
  if (bad) return { pages: 0 };
  const pdf = await buildCasePdf(stemOf(c.name), infos);
  const check = await inspectPdf(pdf);
  if (!check.ok || check.pages !== infos.length) {
    problems.push(`${c.name}: PDF dựng từ ảnh không mở được (${check.ok ? `${check.pages} trang thay vì ${infos.length}` : check.problem})`);
    return { pages: 0 };
  }
  return { pdf, pages: check.pages };
}

function invalid(book: Book, problems: string[]): ApplicationFailure {
  const head = `Bản quét sổ ${bookStem(book)} có ${problems.length} lỗi, chưa đóng gói. Xin sửa và tải lên lại:`;
  return ApplicationFailure.nonRetryable([head, ...problems.map((p) => `- ${p}`)].join('\n'), SCANS_INVALID, { problems });
}

function resultOf(m: Manifest, manifest: StoredObject): PackageResult {
  const { key, bytes, sha256 } = m.zip;
  return { pdfs: m.totals.pdfs, pages: m.totals.pages, bytes: m.totals.bytes, files: m.totals.files, zip: { key, bytes, sha256 }, manifest, checksums: m.checksums };
}

/** A manifest already written for this very delivery, whose objects are all still there: the work is done. */
async function finishedBefore(store: ArtifactStore, book: Book, uploadPrefix: string, expected: number | undefined): Promise<PackageResult | undefined> {
  const keys = artifactKeys(book);
  const head = await store.head(keys.manifest);
  if (!head) return undefined;
  const parsed = manifestSchema.safeParse(JSON.parse((await store.getBuffer(keys.manifest)).toString('utf8')));
  if (!parsed.success) return undefined;
  const m = parsed.data;
  if (m.uploadPrefix !== uploadPrefix || m.expectedCases !== (expected ?? null)) return undefined;
  const same = (a: StoredObject | undefined, b: StoredObject) => a?.sha256 === b.sha256 && a.bytes === b.bytes;
  if (!same(await store.head(m.zip.key), m.zip) || !same(await store.head(m.checksums.key), m.checksums)) return undefined;
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

  const done = await finishedBefore(store, book, uploadPrefix, expected);
  if (done) return done;

  const plan = planCases(book, uploadPrefix, await store.list(uploadPrefix), expected);
  const problems = [...plan.problems];
  const total = { files: plan.files, bytes: plan.cases.reduce((s, c) => s + caseBytes(c), 0) };
  const progress = { filesDone: 0, bytesDone: 0 };
  const step = (phase: PackageProgress['phase'], c: CaseSource) => {
    progress.filesDone += caseFiles(c);
    progress.bytesDone += caseBytes(c);
    heartbeat({ phase, ...progress, ...total });
    signal?.throwIfAborted();
  };

  // Pass 1: read and check everything; nothing is written unless all of it is right.
  const pageCounts = new Map<string, number>();
  for await (const [c, loaded] of prefetched(store, plan.cases)) {
    if (c.pdf && c.pages.length === 0) {
      const check = await inspectPdf(loaded.pdf!);
      if (check.ok) pageCounts.set(c.name, check.pages);
      else problems.push(`${c.name}: ${check.problem}`);
    } else if (!c.pdf) {
      const r = await imagesToPdf(c, loaded, problems);
      if (r.pdf) pageCounts.set(c.name, r.pages);
    }
    step('check', c);
  }
  if (problems.length) throw invalid(book, problems);

  // Pass 2: write the PDFs and the zip, in case order.
  progress.filesDone = progress.bytesDone = 0;
  const zip = new ZipWriter(store, keys.zip);
  const files: Manifest['files'] = [];
  try {
    for await (const [c, loaded] of prefetched(store, plan.cases)) {
      const key = `${keys.pdfs}/${c.name}`;
      let data: Uint8Array;
      let stored: StoredObject;
      if (c.pdf) {
        data = loaded.pdf!;
        stored = await store.copy(c.pdf.key, key); // server-side on S3
      } else {
        data = await buildCasePdf(stemOf(c.name), loaded.pages.map(({ data }) => ({ data, info: (inspectImage(sniff(data)!, data) as { ok: true; info: ImageInfo }).info })));
        stored = await store.put(key, Buffer.from(data.buffer, data.byteOffset, data.byteLength), { contentType: 'application/pdf' });
      }
      await zip.add(c.name, data);
      files.push({ name: c.name, caseNo: c.caseNo!, key, pages: pageCounts.get(c.name)!, bytes: stored.bytes, sha256: stored.sha256, from: c.pdf ? 'pdf' : 'images' });
      step('write', c);
    }
  } catch (e) {
    await zip.abort(e as Error);
    throw e;
  }
  const zipObj = await zip.finish();

  // PDFs of an earlier delivery that this one no longer has.
  const current = new Set(files.map((f) => f.key));
  for (const o of await store.list(keys.pdfs)) if (!current.has(o.key)) await store.delete(o.key);

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
  };
  // Written last: a manifest present means the package is complete.
  const manifest = await store.put(keys.manifest, JSON.stringify(m, null, 2) + '\n', { contentType: 'application/json' });
  return resultOf(m, manifest);
}

/** The scan activities, bound to their dependencies. */
export function createScanActivities(deps: ScanActivityDeps) {
  return {
    packageScans: (input: PackageInput): Promise<PackageResult> => packageScans(deps, input),
  };
}
export type ScanActivities = ReturnType<typeof createScanActivities>;
