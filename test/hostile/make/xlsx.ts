import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import * as archiverModule from 'archiver';
import type { Archiver, ArchiverOptions } from 'archiver';

const archiver = ((archiverModule as unknown as { default?: unknown }).default ?? archiverModule) as (f: 'zip', o: ArchiverOptions) => Archiver;

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PARTS = {
  '[Content_Types].xml':
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
  '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS} xmlns:r="${REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  'xl/_rels/workbook.xml.rels':
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` +
    `<Relationship Id="rId3" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
  'xl/styles.xml':
    `<?xml version="1.0" encoding="UTF-8"?><styleSheet ${NS}><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>` +
    '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs></styleSheet>',
};

const col = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : String.fromCharCode(64 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26)));

/** XML text in pieces of about 1 MB, so a workbook of hundreds of MB unpacked never sits in memory. */
function* batched(pieces: Iterable<string>): Generator<string> {
  let buf = '';
  for (const p of pieces) {
    buf += p;
    if (buf.length > 1 << 20) yield buf, (buf = '');
  }
  yield buf;
}

/**
 * Writes an .xlsx made to hurt a reader, streamed to `path` (deflated at level 1, as a quick
 * tool would): `rows` rows of `cells` cells under a header row, and `sharedStrings` long shared
 * strings placed before the sheet so a reader has to take them all in first.
 */
export async function writeHostileXlsx(path: string, opts: { header: string[]; rows: number; cells: number; sharedStrings?: number; stringChars?: number }): Promise<void> {
  const zip = archiver('zip', { zlib: { level: 1 } });
  const out = createWriteStream(path);
  zip.pipe(out);
  for (const [name, xml] of Object.entries(PARTS)) zip.append(xml, { name });
  const chars = opts.stringChars ?? 100;
  const filler = 'Nguyễn Văn An, thôn Phú Thạnh, xã Tam Phú, thành phố Tam Kỳ, tỉnh Quảng Nam; '.repeat(Math.ceil(chars / 60)).slice(0, chars);
  const n = opts.sharedStrings ?? 0;
  zip.append(
    Readable.from(
      batched(
        (function* () {
          yield `<?xml version="1.0" encoding="UTF-8"?><sst ${NS} count="${n}" uniqueCount="${n}">`;
          for (let i = 0; i < n; i++) yield `<si><t>${i} ${filler}</t></si>`;
          yield '</sst>';
        })(),
      ),
    ),
    { name: 'xl/sharedStrings.xml' },
  );
  const { header, rows, cells } = opts;
  const cell = (r: number, c: number, v: string) => `<c r="${col(c)}${r}" t="inlineStr"><is><t>${v}</t></is></c>`;
  zip.append(
    Readable.from(
      batched(
        (function* () {
          yield `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData><row r="1">${header.map((h, c) => cell(1, c, h)).join('')}</row>`;
          for (let r = 2; r <= rows + 1; r++) {
            let row = `<row r="${r}">`;
            for (let c = 0; c < cells; c++) row += c < 2 && n ? `<c r="${col(c)}${r}" t="s"><v>${(r * 7 + c) % n}</v></c>` : `<c r="${col(c)}${r}"><v>${(r * 31 + c * 17) % 100000}</v></c>`;
            yield row + '</row>';
          }
          yield '</sheetData></worksheet>';
        })(),
      ),
    ),
    { name: 'xl/worksheets/sheet1.xml' },
  );
  await zip.finalize();
  await finished(out);
}
