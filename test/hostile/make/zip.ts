import { constants, crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made zip: real bytes, or `zeros` bytes of zeros deflated (the bomb), maybe declaring fewer. */
export type ZipEntry = { name: string; data: Buffer } | { name: string; zeros: number; declared?: number };

const MIB = 1 << 20;
// A flushed (not final) deflate block of 1 MiB of zeros: repeated, it inflates to as many MiB.
const ZEROS_MIB = deflateRawSync(Buffer.alloc(MIB), { finishFlush: constants.Z_FULL_FLUSH });
const FINAL_EMPTY_BLOCK = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]);

function body(e: ZipEntry): { crc: number; size: number; method: number; parts: Buffer[] } {
  if ('data' in e) return { crc: crc32(e.data), size: e.data.length, method: 0, parts: [e.data] };
  if (e.zeros % MIB) throw new Error('zeros: a whole number of MiB');
  const zero = Buffer.alloc(MIB);
  let crc = 0;
  for (let i = 0; i < e.zeros / MIB; i++) crc = crc32(zero, crc);
  return { crc, size: e.declared ?? e.zeros, method: 8, parts: [...Array<Buffer>(e.zeros / MIB).fill(ZEROS_MIB), FINAL_EMPTY_BLOCK] };
}

/**
 * A zip (no zip64, so every size under 4 GiB) written by hand: a bomb of gigabytes weighs a
 * thousandth of that, made in a second, and no archiver has to deflate the gigabytes first.
 */
export function makeZip(entries: ZipEntry[]): Buffer {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const b = body(e);
    const name = Buffer.from(e.name, 'utf8');
    const compressed = b.parts.reduce((s, p) => s + p.length, 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(b.method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(b.crc >>> 0, 14);
    local.writeUInt32LE(compressed, 18);
    local.writeUInt32LE(b.size, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    local.copy(cd, 8, 6, 28); // flags … name length, as in the local header
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    out.push(local, name, ...b.parts);
    offset += 30 + name.length + compressed;
  }
  const cdSize = central.reduce((s, p) => s + p.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, ...central, end]);
}
