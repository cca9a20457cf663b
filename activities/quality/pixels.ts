import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/**
 * A page image reduced to what the checks look at: greyscale, at most `SIDE` pixels on its long
 * side (box-averaged), so every measure below costs the same whatever the scan's resolution.
 */
export interface Grey {
  width: number;
  height: number;
  /** 0 = black … 255 = white, row by row. */
  data: Uint8Array;
}

const SIDE = 600;

/** Decodes a JPEG or PNG page (pure JS decoders, no native build) and shrinks it to greyscale. */
export function decodeGrey(kind: 'jpeg' | 'png', data: Buffer, maxMegapixels: number): Grey {
  if (kind === 'jpeg') {
    const img = jpeg.decode(data, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: maxMegapixels, maxMemoryUsageInMB: 1024 });
    return shrink(img.width, img.height, img.data, 3);
  }
  const img = PNG.sync.read(data);
  return shrink(img.width, img.height, img.data, 4, true);
}

/** Box average onto a grid of at most SIDE on the long side; RGB weighted as Rec. 601 luma, alpha composited on white. */
function shrink(width: number, height: number, px: Uint8Array, channels: 3 | 4, alpha = false): Grey {
  const scale = Math.max(1, Math.max(width, height) / SIDE);
  const w = Math.max(1, Math.floor(width / scale));
  const h = Math.max(1, Math.floor(height / scale));
  const sum = new Uint32Array(w * h);
  const count = new Uint32Array(w * h);
  const colOf = new Uint32Array(width);
  for (let x = 0; x < width; x++) colOf[x] = Math.min(w - 1, Math.floor(x / scale));
  for (let y = 0; y < height; y++) {
    const row = Math.min(h - 1, Math.floor(y / scale)) * w;
    let i = y * width * channels;
    for (let x = 0; x < width; x++, i += channels) {
      // Rec. 601 luma in integers (weights out of 256).
      let v = (77 * px[i]! + 150 * px[i + 1]! + 29 * px[i + 2]!) >> 8;
      if (alpha) v = 255 - (((255 - v) * px[i + 3]!) >> 8);
      const o = row + colOf[x]!;
      sum[o]! += v;
      count[o]!++;
    }
  }
  const data = new Uint8Array(w * h);
  for (let o = 0; o < data.length; o++) data[o] = Math.round(sum[o]! / count[o]!);
  return { width: w, height: h, data };
}
