import { crc32 } from 'node:zlib';
import { DEFAULT_LIMITS, type Limits } from '../../clients/config';

/**
 * Just enough of JPEG and PNG to check that a scanned page is whole and to embed it in a PDF as
 * it is (no decoding, no re-encoding). Problems are Vietnamese phrases; the caller adds the name.
 */

/** Scans without a resolution in their header are assumed at this resolution (A4 at 300 dpi). */
export const DEFAULT_DPI = 300;

export interface JpegInfo {
  kind: 'jpeg';
  width: number;
  height: number;
  components: 1 | 3 | 4;
  bitsPerComponent: number;
  /** Adobe APP14 present: CMYK data is stored inverted. */
  adobe: boolean;
  dpiX: number;
  dpiY: number;
}

export interface PngInfo {
  kind: 'png';
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
  /** PLTE content for palette images. */
  palette?: Buffer;
  /** IDAT chunks as [start, end) byte ranges: the zlib stream, concatenated, is embedded as is. */
  idat: [number, number][];
  dpiX: number;
  dpiY: number;
}

export type ImageInfo = JpegInfo | PngInfo;
export type Inspected<T> = { ok: true; info: T } | { ok: false; problem: string };
export type PixelLimits = Pick<Limits, 'SOHOA_MAX_IMAGE_MEGAPIXELS' | 'SOHOA_MAX_IMAGE_SIDE' | 'SOHOA_MAX_DECODED_IMAGE_MEGAPIXELS'>;

const fail = (problem: string) => ({ ok: false as const, problem });

/**
 * The size an image declares in its header, checked before anything is decoded or embedded: a
 * few bytes can declare 60,000 × 60,000 pixels. `decoded`: a PNG that must be decoded to go into
 * a PDF (alpha, interlaced), which costs about 12 bytes a pixel, so gets a lower limit.
 */
export function pixelProblem(width: number, height: number, decoded: boolean, limits: PixelLimits): string | undefined {
  const size = `${width} × ${height} điểm ảnh`;
  if (Math.max(width, height) > limits.SOHOA_MAX_IMAGE_SIDE) return `ảnh khai báo ${size}, cạnh dài hơn giới hạn ${limits.SOHOA_MAX_IMAGE_SIDE} điểm ảnh (SOHOA_MAX_IMAGE_SIDE)`;
  const mp = (width * height) / 1e6;
  const max = decoded ? limits.SOHOA_MAX_DECODED_IMAGE_MEGAPIXELS : limits.SOHOA_MAX_IMAGE_MEGAPIXELS;
  if (mp <= max) return undefined;
  const what = decoded ? ' cho ảnh PNG có kênh trong suốt hoặc xen kẽ (phải giải nén)' : '';
  return `ảnh khai báo ${size} (${mp.toFixed(1)} megapixel), vượt giới hạn ${max} megapixel${what} (${decoded ? 'SOHOA_MAX_DECODED_IMAGE_MEGAPIXELS' : 'SOHOA_MAX_IMAGE_MEGAPIXELS'})`;
}

/** Whether a PNG has to be decoded to go into a PDF: only opaque, non-interlaced ones go in as they are. */
export const pngNeedsDecoding = (p: Pick<PngInfo, 'colorType' | 'interlaced'>) => p.interlaced || !(p.colorType === 0 || p.colorType === 2 || p.colorType === 3);

// Start-of-frame markers of the DCT processes PDF readers decode (baseline, extended, progressive).
const SOF_DCT = new Set([0xc0, 0xc1, 0xc2]);
const SOF_OTHER = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

export function inspectJpeg(buf: Buffer, limits: PixelLimits = DEFAULT_LIMITS): Inspected<JpegInfo> {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return fail('không phải ảnh JPEG (thiếu dấu bắt đầu)');
  let i = 2;
  let frame: Omit<JpegInfo, 'dpiX' | 'dpiY' | 'adobe' | 'kind'> | undefined;
  let dpiX = 0;
  let dpiY = 0;
  let adobe = false;
  for (;;) {
    if (i + 4 > buf.length) return fail('ảnh JPEG bị cắt cụt (hết dữ liệu trước phần ảnh)');
    if (buf[i] !== 0xff) return fail(`ảnh JPEG hỏng (cấu trúc sai ở byte ${i})`);
    const marker = buf[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9) return fail('ảnh JPEG hỏng (kết thúc trước phần ảnh)');
    const len = buf.readUInt16BE(i + 2);
    if (len < 2 || i + 2 + len > buf.length) return fail('ảnh JPEG bị cắt cụt (đoạn tiêu đề không đủ dữ liệu)');
    const seg = i + 4;
    if (SOF_OTHER.has(marker)) return fail('ảnh JPEG dùng kiểu nén không phổ biến (lossless/arithmetic), trình đọc PDF không hiển thị được');
    if (SOF_DCT.has(marker)) {
      if (len < 8) return fail('ảnh JPEG hỏng (khung ảnh sai)');
      const components = buf[seg + 5]!;
      if (components !== 1 && components !== 3 && components !== 4) return fail(`ảnh JPEG có ${components} kênh màu, không hỗ trợ`);
      frame = { bitsPerComponent: buf[seg]!, height: buf.readUInt16BE(seg + 1), width: buf.readUInt16BE(seg + 3), components };
      const tooBig = pixelProblem(frame.width, frame.height, false, limits);
      if (tooBig) return fail(tooBig);
    } else if (marker === 0xe0 && len >= 16 && buf.toString('latin1', seg, seg + 5) === 'JFIF\0') {
      const units = buf[seg + 7];
      const x = buf.readUInt16BE(seg + 8);
      const y = buf.readUInt16BE(seg + 10);
      if (units === 1 && x > 0 && y > 0) [dpiX, dpiY] = [x, y];
      if (units === 2 && x > 0 && y > 0) [dpiX, dpiY] = [x * 2.54, y * 2.54];
    } else if (marker === 0xee && len >= 7 && buf.toString('latin1', seg, seg + 5) === 'Adobe') {
      adobe = true;
    } else if (marker === 0xda) {
      if (!frame) return fail('ảnh JPEG hỏng (không có khung ảnh trước phần dữ liệu)');
      if (frame.width === 0 || frame.height === 0) return fail('ảnh JPEG có kích thước 0');
      break;
    }
    i += 2 + len;
  }
  // A truncated upload loses the end-of-image marker; tolerate padding some scanners append.
  let end = buf.length;
  while (end > i && buf[end - 1] === 0x00) end--;
  if (end < i + 2 || buf[end - 2] !== 0xff || buf[end - 1] !== 0xd9) return fail('ảnh JPEG bị cắt cụt (thiếu dấu kết thúc)');
  return { ok: true, info: { kind: 'jpeg', ...frame!, adobe, dpiX: dpiX || DEFAULT_DPI, dpiY: dpiY || DEFAULT_DPI } };
}

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

export function inspectPng(buf: Buffer, limits: PixelLimits = DEFAULT_LIMITS): Inspected<PngInfo> {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIG)) return fail('không phải ảnh PNG (sai chữ ký)');
  let i = 8;
  let header: Pick<PngInfo, 'width' | 'height' | 'bitDepth' | 'colorType' | 'interlaced'> | undefined;
  let palette: Buffer | undefined;
  const idat: [number, number][] = [];
  let dpiX = 0;
  let dpiY = 0;
  for (;;) {
    if (i + 12 > buf.length) return fail('ảnh PNG bị cắt cụt (thiếu đoạn IEND)');
    const len = buf.readUInt32BE(i);
    const type = buf.toString('latin1', i + 4, i + 8);
    if (len > 0x7fffffff || i + 12 + len > buf.length) return fail(`ảnh PNG bị cắt cụt (đoạn ${type} không đủ dữ liệu)`);
    const data = buf.subarray(i + 8, i + 8 + len);
    if (crc32(data, crc32(buf.subarray(i + 4, i + 8))) !== buf.readUInt32BE(i + 8 + len)) return fail(`ảnh PNG hỏng (sai mã kiểm tra đoạn ${type})`);
    if (!header && type !== 'IHDR') return fail('ảnh PNG hỏng (IHDR không đứng đầu)');
    if (type === 'IHDR') {
      if (len !== 13) return fail('ảnh PNG hỏng (IHDR sai độ dài)');
      const colorType = data[9]!;
      const bitDepth = data[8]!;
      if (!PNG_DEPTHS[colorType]?.includes(bitDepth)) return fail('ảnh PNG hỏng (kiểu màu hoặc độ sâu bit sai)');
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth, colorType, interlaced: data[12] === 1 };
      if (header.width === 0 || header.height === 0) return fail('ảnh PNG có kích thước 0');
      const tooBig = pixelProblem(header.width, header.height, pngNeedsDecoding(header), limits);
      if (tooBig) return fail(tooBig);
    } else if (type === 'PLTE') {
      palette = Buffer.from(data);
    } else if (type === 'IDAT') {
      idat.push([i + 8, i + 8 + len]);
    } else if (type === 'pHYs' && len === 9 && data[8] === 1) {
      dpiX = data.readUInt32BE(0) * 0.0254;
      dpiY = data.readUInt32BE(4) * 0.0254;
    } else if (type === 'IEND') {
      break;
    }
    i += 12 + len;
  }
  if (idat.length === 0) return fail('ảnh PNG không có dữ liệu ảnh (IDAT)');
  if (header!.colorType === 3 && !palette) return fail('ảnh PNG bảng màu thiếu đoạn PLTE');
  return { ok: true, info: { kind: 'png', ...header!, palette, idat, dpiX: dpiX || DEFAULT_DPI, dpiY: dpiY || DEFAULT_DPI } };
}

export function inspectImage(kind: 'jpeg' | 'png', buf: Buffer, limits: PixelLimits = DEFAULT_LIMITS): Inspected<ImageInfo> {
  return kind === 'jpeg' ? inspectJpeg(buf, limits) : inspectPng(buf, limits);
}
