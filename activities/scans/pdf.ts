import {
  concatTransformationMatrix,
  drawObject,
  EncryptedPDFError,
  PDFArray,
  PDFContentStream,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFStream,
  popGraphicsState,
  pushGraphicsState,
  type PDFRef,
} from 'pdf-lib';
import type { Limits } from '../../clients/config';
import { LimitExceeded } from '../limits';
import { pngNeedsDecoding, type ImageInfo, type JpegInfo, type PixelLimits, type PngInfo } from './images';
import { countPages, giantImage } from './pdfLimits';
import { loadPdf } from './pdfLoad';
import { sanitisePdf } from './sanitise';

export interface PageImage {
  data: Buffer;
  info: ImageInfo;
}

// pdf-lib 1.17 (its last release) copies stream contents into the output one byte at a time in
// JS, which caps a PDF of scans at well under 100 MB/s. Same bytes, written with one memcpy.
const ENDSTREAM = Buffer.from('\nendstream', 'latin1');
const STREAM = Buffer.from('\nstream\n', 'latin1');
type Writable = { updateDict(): void; dict: { copyBytesInto(b: Uint8Array, o: number): number }; getContents(): Uint8Array };
PDFStream.prototype.copyBytesInto = function (this: Writable, buffer: Uint8Array, offset: number): number {
  this.updateDict();
  const start = offset;
  offset += this.dict.copyBytesInto(buffer, offset);
  buffer.set(STREAM, offset);
  offset += STREAM.length;
  const contents = this.getContents();
  buffer.set(contents, offset);
  offset += contents.length;
  buffer.set(ENDSTREAM, offset);
  return offset + ENDSTREAM.length - start;
} as unknown as PDFStream['copyBytesInto'];

const SAVE = { useObjectStreams: false, objectsPerTick: Infinity } as const;

/**
 * One PDF from a case's page images, one page per image, the page sized from the image's
 * resolution. JPEG data goes in as is (DCTDecode); a non-interlaced PNG without alpha goes in as
 * its own zlib stream with the PNG predictor (as img2pdf does); other PNGs are decoded and
 * recompressed by pdf-lib's embedPng. No dates, no random id: the same images give the same bytes,
 * which is what makes a retried packaging produce the same checksums.
 */
/**
 * `textLayers`: per page, a one-page PDF of invisible text (tesseract's) drawn over the image,
 * stretched to the page, so the PDF can be searched and its text selected.
 */
export async function buildCasePdf(title: string, pages: PageImage[], textLayers?: Uint8Array[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setProducer('sohoa');
  for (const [k, { data, info }] of pages.entries()) {
    const w = (info.width * 72) / info.dpiX;
    const h = (info.height * 72) / info.dpiY;
    const page = doc.addPage([w, h]);
    let ref: PDFRef;
    if (info.kind === 'jpeg') ref = jpegXObject(doc, data, info);
    else if (!pngNeedsDecoding(info)) ref = pngXObject(doc, data, info);
    else ref = (await doc.embedPng(new Uint8Array(data))).ref; // alpha or interlaced: needs decoding (pixels checked before)
    const name = page.node.newXObject('Im', ref);
    // Four operators: left uncompressed (pdf-lib would start a deflate per page for ~40 bytes).
    const ops = PDFContentStream.of(doc.context.obj({}), [pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, 0, 0), drawObject(name), popGraphicsState()], false);
    page.node.addContentStream(doc.context.register(ops));
    const layer = textLayers?.[k];
    if (layer) {
      const [text] = await doc.embedPdf(layer, [0]);
      page.drawPage(text!, { x: 0, y: 0, width: w, height: h });
    }
  }
  return doc.save(SAVE);
}

function jpegXObject(doc: PDFDocument, data: Buffer, info: JpegInfo): PDFRef {
  const colorSpace = info.components === 1 ? 'DeviceGray' : info.components === 3 ? 'DeviceRGB' : 'DeviceCMYK';
  const dict: Record<string, unknown> = {
    Type: 'XObject',
    Subtype: 'Image',
    Width: info.width,
    Height: info.height,
    BitsPerComponent: info.bitsPerComponent,
    ColorSpace: colorSpace,
    Filter: 'DCTDecode',
  };
  // Adobe's CMYK JPEGs are stored inverted.
  if (info.components === 4 && info.adobe) dict.Decode = [1, 0, 1, 0, 1, 0, 1, 0];
  return doc.context.register(doc.context.stream(data, dict as never));
}

function pngXObject(doc: PDFDocument, data: Buffer, info: PngInfo): PDFRef {
  const ctx = doc.context;
  const colors = info.colorType === 2 ? 3 : 1;
  let colorSpace: PDFName | PDFArray = PDFName.of(info.colorType === 2 ? 'DeviceRGB' : 'DeviceGray');
  if (info.colorType === 3) {
    const pal = info.palette!;
    colorSpace = ctx.obj([PDFName.of('Indexed'), PDFName.of('DeviceRGB'), PDFNumber.of(pal.length / 3 - 1), PDFHexString.of(pal.toString('hex'))]);
  }
  const zdata = Buffer.concat(info.idat.map(([s, e]) => data.subarray(s, e)));
  const stream = ctx.stream(zdata, {
    Type: 'XObject',
    Subtype: 'Image',
    Width: info.width,
    Height: info.height,
    BitsPerComponent: info.bitDepth,
    ColorSpace: colorSpace,
    Filter: 'FlateDecode',
    DecodeParms: { Predictor: 15, Colors: colors, BitsPerComponent: info.bitDepth, Columns: info.width },
  } as never);
  return ctx.register(stream);
}

export type PdfLimits = PixelLimits & Pick<Limits, 'SOHOA_MAX_PDF_PAGES' | 'SOHOA_MAX_PDF_OBJECTS' | 'SOHOA_MAX_PDF_MB'>;
export type PdfCheck = { ok: true; pages: number; removed: string[]; sanitised?: Uint8Array } | { ok: false; problem: string };

// The document as it was, plus what nothing refers to any more gone; no page added, no form redrawn.
const SANITISED_SAVE = { ...SAVE, addDefaultPage: false, updateFieldAppearances: false } as const;

/**
 * Opens a PDF the way a reader would (pdf-lib, strict), counts its pages within the limit and
 * refuses an image declaring more pixels than allowed. With `sanitise`, active content (scripts,
 * automatic actions, embedded files) is taken out: `removed` names it and `sanitised` holds the
 * cleaned bytes (deterministic, so a retry writes the same ones); a clean PDF stays as it is.
 */
export async function inspectPdf(buf: Uint8Array, limits: PdfLimits, opts: { sanitise?: boolean } = {}): Promise<PdfCheck> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 8 || b.toString('latin1', 0, 5) !== '%PDF-') return { ok: false, problem: 'không phải tệp PDF (thiếu tiêu đề %PDF-)' };
  // A cut-off upload loses the trailer; readers may "repair" it, we do not accept it.
  if (!b.subarray(Math.max(0, b.length - 2048)).includes('%%EOF')) return { ok: false, problem: 'PDF bị cắt cụt (thiếu %%EOF ở cuối tệp)' };
  try {
    const doc = await loadPdf(buf, limits);
    const counted = countPages(doc, limits);
    if (!counted.ok) return counted;
    if (counted.pages === 0) return { ok: false, problem: 'PDF không có trang nào' };
    const giant = giantImage(doc, limits);
    if (giant) return { ok: false, problem: `PDF có ${giant}` };
    if (!opts.sanitise) return { ok: true, pages: counted.pages, removed: [] };
    const removed = sanitisePdf(doc);
    return { ok: true, pages: counted.pages, removed, ...(removed.length ? { sanitised: await doc.save(SANITISED_SAVE) } : {}) };
  } catch (e) {
    if (e instanceof EncryptedPDFError) return { ok: false, problem: 'PDF có mật khẩu hoặc bị mã hóa, không mở được' };
    if (e instanceof LimitExceeded) return { ok: false, problem: e.message };
    const msg = (e as Error).message?.split('\n')[0]?.slice(0, 160) ?? String(e);
    return { ok: false, problem: `PDF hỏng, không mở được (${msg})` };
  }
}
