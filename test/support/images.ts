import { createCipheriv } from 'node:crypto';
import { deflateSync, crc32 } from 'node:zlib';

/** Deterministic pseudo-random bytes (AES-CTR over zeros), fast enough for hundreds of MB. */
export function noise(seed: number, n: number): Buffer {
  const key = Buffer.alloc(16);
  key.writeUInt32BE(seed >>> 0);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

/**
 * Real, decodable scan images made in code (no binary fixtures, no ImageMagick).
 *
 * JPEG: a minimal baseline grayscale encoder where every 8×8 block is flat (DC only, AC = EOB),
 * enough to draw a gradient; `padTo` adds COM segments of pseudo-random bytes so a page weighs
 * what a real scan weighs (a decoder skips them; a PDF embeds them as they are).
 */
export function makeJpeg(opts: { width: number; height: number; seed?: number; padTo?: number; dpi?: number }): Buffer {
  const { width, height, seed = 1, dpi = 300 } = opts;
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  const seg = (marker: number, body: Buffer) => {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(0xff00 | marker, 0);
    h.writeUInt16BE(body.length + 2, 2);
    parts.push(h, body);
  };
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  jfif.writeUInt16BE(dpi, 8);
  jfif.writeUInt16BE(dpi, 10);
  seg(0xe0, jfif);
  seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 8)])); // one quantization table, all 8
  const sof = Buffer.from([8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  seg(0xc0, sof);
  // Standard luminance DC table (ITU T.81 K.3); an AC table with only EOB, coded '0'.
  seg(0xc4, Buffer.from([0x00, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
  seg(0xc4, Buffer.from([0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]));
  if (opts.padTo) {
    // Filler first, so the entropy-coded data stays at the end of the file (truncation tests cut it).
    let size = 2 + 18 + 69 + 13 + 33 + 22 + 14;
    const fill = noise(seed, opts.padTo);
    let at = 0;
    while (size < opts.padTo) {
      const n = Math.max(Math.min(65533, opts.padTo - size) - 4, 1);
      seg(0xfe, fill.subarray(at, at + n));
      at += n;
      size += n + 4;
    }
  }
  seg(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  // Entropy-coded data: DC difference per block (a gradient), then EOB.
  const DC_CODES = ['00', '010', '011', '100', '101', '110', '1110', '11110', '111110', '1111110', '11111110', '111111110'];
  let bits = '';
  const out: number[] = [];
  const flush = () => {
    while (bits.length >= 8) {
      const byte = parseInt(bits.slice(0, 8), 2);
      out.push(byte);
      if (byte === 0xff) out.push(0x00); // byte stuffing
      bits = bits.slice(8);
    }
  };
  let prev = 0;
  const bw = Math.ceil(width / 8);
  const bh = Math.ceil(height / 8);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      // DC in quantized units (level-shifted -128..127 → ×8/8); a diagonal gradient plus the seed.
      const level = Math.round(((bx + by + seed * 7) % 64) * 3 - 96);
      const dc = Math.round(level); // quantizer 8, DCT DC gain 8: value ≈ level
      const diff = dc - prev;
      prev = dc;
      const mag = Math.abs(diff);
      const cat = mag === 0 ? 0 : Math.floor(Math.log2(mag)) + 1;
      bits += DC_CODES[cat];
      if (cat > 0) {
        const v = diff > 0 ? diff : diff + (1 << cat) - 1;
        bits += v.toString(2).padStart(cat, '0');
      }
      bits += '0'; // EOB
      flush();
    }
  }
  if (bits.length) {
    bits = bits.padEnd(8, '1');
    flush();
  }
  parts.push(Buffer.from(out), Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const t = Buffer.from(type, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(t)));
  return Buffer.concat([len, t, data, crc]);
}

/** A PNG: colorType 0 gray, 2 RGB, 3 palette, 6 RGBA (8-bit), with a pattern from the seed. */
export function makePng(opts: { width: number; height: number; colorType?: 0 | 2 | 3 | 6; seed?: number; dpi?: number }): Buffer {
  const { width, height, colorType = 2, seed = 1, dpi = 300 } = opts;
  const channels = { 0: 1, 2: 3, 3: 1, 6: 4 }[colorType];
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * channels);
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        row[1 + x * channels + c] = colorType === 3 ? (x + y + seed) % 4 : c === 3 ? 255 : (x * 5 + y * 3 + seed * 11 + c * 60) & 0xff;
      }
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const phys = Buffer.alloc(9);
  phys.writeUInt32BE(Math.round(dpi / 0.0254), 0);
  phys.writeUInt32BE(Math.round(dpi / 0.0254), 4);
  phys[8] = 1;
  const chunks = [pngChunk('IHDR', ihdr), pngChunk('pHYs', phys)];
  if (colorType === 3) chunks.push(pngChunk('PLTE', Buffer.from([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])));
  chunks.push(pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}
