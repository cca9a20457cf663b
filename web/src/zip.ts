/**
 * A zip in "store" mode (no compression: scans are JPEG/PNG/PDF already), built in the browser so a
 * dropped folder keeps its layout (`<case>/<page>.jpg`) on the way to the API: multipart file names
 * lose their folders, zip entries do not. Entries are read one at a time, so memory stays at one file.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export interface ZipEntry {
  path: string;
  file: Blob;
}

const MAX_ZIP32 = 0xffffffff;

export async function zipStore(entries: readonly ZipEntry[], onProgress?: (done: number, total: number) => void): Promise<Blob> {
  const enc = new TextEncoder();
  const parts: BlobPart[] = [];
  const central: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (const [i, e] of entries.entries()) {
    const name = enc.encode(e.path.normalize('NFC')) as Uint8Array<ArrayBuffer>;
    const size = e.file.size;
    if (offset + size > MAX_ZIP32) throw new Error('Thư mục quá lớn để đóng gói trong trình duyệt (trên 4 GB); hãy gửi tệp .zip hoặc chia nhỏ.');
    const crc = crc32(new Uint8Array(await e.file.arrayBuffer()));
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, 0x0800, true); // UTF-8 names
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, 0, true);
    local.setUint16(12, 0x21, true); // 1980-01-01
    local.setUint32(14, crc, true);
    local.setUint32(18, size, true);
    local.setUint32(22, size, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    parts.push(local.buffer, name, e.file);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, 20, true);
    cd.setUint16(6, 20, true);
    cd.setUint16(8, 0x0800, true);
    cd.setUint16(10, 0, true);
    cd.setUint16(12, 0, true);
    cd.setUint16(14, 0x21, true);
    cd.setUint32(16, crc, true);
    cd.setUint32(20, size, true);
    cd.setUint32(24, size, true);
    cd.setUint16(28, name.length, true);
    cd.setUint32(42, offset, true);
    central.push(new Uint8Array(cd.buffer), name);
    offset += 30 + name.length + size;
    onProgress?.(i + 1, entries.length);
  }
  const cdSize = central.reduce((s, p) => s + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  if (entries.length > 0xffff) throw new Error('Quá nhiều tệp để đóng gói trong trình duyệt (trên 65.535); hãy gửi tệp .zip.');
  return new Blob([...parts, ...central, end.buffer], { type: 'application/zip' });
}
