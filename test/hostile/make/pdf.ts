import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { constants, deflateRawSync } from 'node:zlib';

/** A PDF written by hand from numbered object bodies (1 is the catalog), with a valid xref table. */
export function rawPdf(objects: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n', 'latin1')];
  let at = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(at);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(obj);
    at += obj.length;
  });
  const xref = ['xref', `0 ${objects.length + 1}`, '0000000000 65535 f ', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `)].join('\n');
  parts.push(Buffer.from(`${xref}\ntrailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/**
 * A page tree whose every node lists the same child `fan` times, `depth` levels deep: one page
 * object, declared fan^depth times (10^8 with the defaults) in under a kilobyte.
 */
export function pageTreeBomb(fan = 100, depth = 4): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>'];
  for (let level = 0; level < depth; level++) {
    const child = level === depth - 1 ? depth + 2 : level + 3;
    objects.push(`<< /Type /Pages /Kids [${Array(fan).fill(`${child} 0 R`).join(' ')}] /Count ${fan ** (depth - level)} >>`);
  }
  objects.push(`<< /Type /Page /Parent ${depth + 1} 0 R /MediaBox [0 0 595 842] >>`);
  return rawPdf(objects);
}

/** A one-page PDF with an object stream that inflates to `mib` MiB (written as 1 MiB blocks repeated). */
export function objectStreamBomb(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1 << 20, 0x20), { finishFlush: constants.Z_FULL_FLUSH });
  const data = Buffer.concat([Buffer.from([0x78, 0x01]), ...Array<Buffer>(mib).fill(block), Buffer.from([0x01, 0, 0, 0xff, 0xff])]);
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    Buffer.concat([Buffer.from(`<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]),
  ]);
}

/** A PDF of `pages` blank pages. */
export async function blankPdf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]);
  return Buffer.from(await doc.save());
}

/**
 * A PDF that does things when opened: a document script, an OpenAction script, an embedded file,
 * a link that launches a program, a page that runs a script when shown.
 */
export async function activePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  doc.addJavaScript('chao', 'app.alert("xin chao");');
  await doc.attach(Buffer.from('MZ not really a program'), 'setup.exe', { mimeType: 'application/octet-stream' });
  const ctx = doc.context;
  doc.catalog.set(PDFName.of('OpenAction'), ctx.obj({ S: 'JavaScript', JS: PDFString.of('app.launchURL("http://example.invalid")') }));
  page.node.set(PDFName.of('AA'), ctx.obj({ O: { S: 'JavaScript', JS: PDFString.of('this.print()') } }));
  const launch = ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 100, 100], A: { S: 'Launch', F: PDFString.of('cmd.exe') } }));
  const goTo = ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [100, 0, 200, 100], A: { S: 'URI', URI: PDFString.of('https://example.invalid/') } }));
  page.node.set(PDFName.of('Annots'), ctx.obj([launch, goTo]));
  return Buffer.from(await doc.save());
}
