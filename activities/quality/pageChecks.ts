import type { PageFinding, PageFindingCode } from '../../contracts/v1/quality';
import type { QualitySettings } from '../../clients/config';
import { inkDifference, measure, type Measures } from './measures';
import { decodeGrey } from './pixels';
import { OrientationBatches, recognise, Slots, type Orientation, type PageText } from './tesseract';

/** A page as packaging hands it over: its case, its place in the case, its bytes and header resolution. */
export interface PageRef {
  /** Where the page image is stored (in the upload), for the reviewer's page view. */
  key?: string;
  case: string;
  caseNo: number;
  page: number;
  kind: 'jpeg' | 'png';
  data: Buffer;
  dpi: number;
}

/** Everything measured on a page, kept in the quality report beside the package. */
export interface PageReport {
  key: string | null;
  case: string;
  caseNo: number;
  page: number;
  dpi: number;
  /** Measures of the page (null when only OCR ran). */
  paper: number | null;
  darkest: number | null;
  ink: number | null;
  skew: number | null;
  rotate: number | null;
}

export interface PageOcr {
  case: string;
  caseNo: number;
  page: number;
  text: string;
  confidence: number;
}

/** Pages whose orientation one tesseract process reads; as many pages per process are checked at once. */
const ORIENTATION_BATCH = 4;

/** Below this confidence tesseract's orientation is a guess (it reads ~5 on a page of print, under 1 on noise). */
const MIN_ORIENTATION_CONFIDENCE = 2;

const why: Record<PageFindingCode, (x: { m: Measures; dpi: number; s: QualitySettings; rotate: number; other: string }) => string> = {
  lowResolution: ({ dpi, s }) => `độ phân giải ${Math.round(dpi)} dpi, thấp hơn mức tối thiểu ${s.minDpi} dpi`,
  blank: () => 'trang trắng (không thấy chữ hay nét nào)',
  dark: ({ m }) => `trang quá tối (nền giấy ở mức sáng ${m.paper}/255)`,
  washedOut: ({ m }) => `trang quá nhạt, chữ mờ (nét đậm nhất ở mức sáng ${m.darkest}/255)`,
  rotated: ({ rotate }) => `trang bị xoay ${rotate === 180 ? 'ngược 180°' : '90°'} (cần xoay ${rotate}° theo chiều kim đồng hồ để đọc)`,
  skewed: ({ m }) => `trang bị nghiêng khoảng ${Math.abs(m.skew ?? 0)}°`,
  duplicate: ({ other }) => `trùng với ${other} (cùng một trang được quét hai lần)`,
};

/**
 * Checks pages as packaging reads them, up to `concurrency` tesseract processes at once (and four
 * times as many pages, each holding its bytes), and compares each with the pages before it for duplicates. Pages
 * are checked in any order but reported in the order they were added, so the report is the
 * same for the same delivery.
 */
export class PageChecker {
  private readonly running = new Set<Promise<void>>();
  private readonly reports: PageReport[] = [];
  private readonly found: PageFinding[][] = [];
  private readonly texts: (PageOcr | undefined)[] = [];
  /** Each page's check, to wait for one case's pages (its text layers go into its PDF). */
  private readonly pending: Promise<void>[] = [];
  /** Invisible-text PDFs of the pages (about 3 kB each), until their case's PDF is made. */
  private readonly layers: (Uint8Array | undefined)[] = [];
  /** Ink maps of the pages so far, for the duplicate search (about 1.4 kB a page). */
  private readonly maps: (Uint8Array | undefined)[] = [];
  private failure: { error: unknown } | undefined;

  private readonly orientation: OrientationBatches;
  private readonly ocrSlots: Slots;

  constructor(
    private readonly s: QualitySettings,
    private readonly maxMegapixels: number,
    private readonly signal?: AbortSignal,
  ) {
    this.orientation = new OrientationBatches(s.concurrency, ORIENTATION_BATCH, signal);
    this.ocrSlots = new Slots(s.concurrency);
  }

  /** Queues a page (its index is returned); waits while enough pages are being checked. */
  async add(p: PageRef): Promise<number> {
    const i = this.reports.length;
    this.reports.push(undefined as unknown as PageReport);
    this.found.push([]);
    this.texts.push(undefined);
    this.maps.push(undefined);
    const checking = this.check(i, p);
    this.pending.push(checking);
    checking.catch(() => undefined); // its failure is rethrown by add, finish or layersOf
    const work: Promise<void> = checking.then(
      () => void this.running.delete(work),
      (error: unknown) => {
        this.running.delete(work);
        this.failure ??= { error };
      },
    );
    this.running.add(work);
    while (this.running.size >= this.s.concurrency * ORIENTATION_BATCH && !this.failure) await Promise.race(this.running);
    if (this.failure) throw this.failure.error;
    return i;
  }

  /** Waits for these pages and hands over their text layers (then forgets them). */
  async layersOf(pages: number[]): Promise<Uint8Array[] | undefined> {
    await Promise.all(pages.map((i) => this.pending[i]!));
    if (!this.s.ocr) return undefined;
    const out = pages.map((i) => this.layers[i]!);
    for (const i of pages) this.layers[i] = undefined;
    return out;
  }

  /** Waits for every page, then finds duplicates: findings in page order, the report, the text. */
  async finish(): Promise<{ findings: PageFinding[]; pages: PageReport[]; ocr: PageOcr[] | undefined }> {
    await Promise.all(this.running);
    if (this.failure) throw this.failure.error;
    if (this.s.checks) this.duplicates();
    return {
      findings: this.found.flat(),
      pages: this.reports,
      ocr: this.s.ocr ? this.texts.map((t) => t!) : undefined,
    };
  }

  private finding(i: number, code: PageFindingCode, message: string): void {
    const r = this.reports[i]!;
    this.found[i]!.push({ case: r.case, caseNo: r.caseNo, page: r.page, code, blocking: this.s.blocking.includes(code), message: `${r.case} trang ${r.page}: ${message}` });
  }

  /**
   * OCR starts first, on its own core, while this thread decodes and measures the page; then its
   * orientation is asked (in batches, see OrientationBatches) unless it has too little text for
   * tesseract to tell (it takes seconds to give up on a blank page).
   */
  private async check(i: number, p: PageRef): Promise<void> {
    const ocr = this.s.ocr;
    const text = ocr ? this.ocrSlots.run(() => recognise(p.data, ocr.lang, this.signal, true)) : undefined;
    text?.catch(() => undefined);
    this.reports[i] = { key: p.key ?? null, case: p.case, caseNo: p.caseNo, page: p.page, dpi: Math.round(p.dpi), paper: null, darkest: null, ink: null, skew: null, rotate: null };
    let m: Measures | undefined;
    let o: Orientation | undefined;
    if (this.s.checks) {
      if (text) await new Promise(setImmediate); // the image reaches tesseract's stdin before this thread is busy
      m = measure(decodeGrey(p.kind, p.data, this.maxMegapixels));
      if (m.ink >= 0.002) o = await this.orientation.detect(p.data);
    }
    const t: (PageText & { layer?: Uint8Array }) | undefined = await text;
    if (t) {
      this.texts[i] = { case: p.case, caseNo: p.caseNo, page: p.page, text: t.text, confidence: t.confidence };
      this.layers[i] = t.layer;
    }
    if (!m) return;
    const blank = m.marks < 0.001;
    const rotate = o && o.confidence >= MIN_ORIENTATION_CONFIDENCE ? o.rotate : 0;
    Object.assign(this.reports[i]!, { paper: m.paper, darkest: m.darkest, ink: Math.round(m.ink * 1e4) / 1e4, skew: m.skew ?? null, rotate: o ? o.rotate : null });
    if (!blank && m.paper >= 110) this.maps[i] = m.inkMap;
    const say = (code: PageFindingCode) => this.finding(i, code, why[code]({ m: m!, dpi: p.dpi, s: this.s, rotate, other: '' }));
    if (p.dpi < this.s.minDpi) say('lowResolution');
    if (m.paper < 110) say('dark');
    else if (blank) say('blank');
    else if (m.ink < 0.001 || m.paper - m.darkest < 90) say('washedOut');
    if (rotate) say('rotated');
    else if (m.skew !== undefined && Math.abs(m.skew) >= this.s.maxSkewDeg) say('skewed');
  }

  /**
   * A page whose ink differs from an earlier page's by at most `duplicateDifference` (blank and
   * dark pages aside: they all look alike). Every pair is compared, most stop after a few cells.
   */
  private duplicates(): void {
    const seen: { i: number; map: Uint8Array }[] = [];
    for (let i = 0; i < this.reports.length; i++) {
      const map = this.maps[i];
      if (!map) continue;
      const j = seen.find((k) => inkDifference(k.map, map, this.s.duplicateDifference) <= this.s.duplicateDifference)?.i;
      if (j === undefined) seen.push({ i, map });
      else {
        const o = this.reports[j]!;
        this.finding(i, 'duplicate', why.duplicate({ other: `${o.case} trang ${o.page}` } as Parameters<(typeof why)['duplicate']>[0]));
      }
    }
  }
}
