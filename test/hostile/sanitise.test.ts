import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeScans } from '../../activities/scans/intake';
import { createScanActivities } from '../../activities/scans/packageScans';
import { FsStore } from '../../clients/storage/fs';
import { artifactKeys } from '../../domain/naming';
import { book as makeBook } from '../support/fixtures';
import { caseName, run } from '../scans/delivery';
import { activePdf, blankPdf } from './make/pdf';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-hostile-san-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// What must not be left anywhere in a PDF that leaves packaging (looked for with every stream uncompressed).
const ACTIVE = ['/JavaScript', '/JS', '/OpenAction', '/AA', '/Launch', '/EmbeddedFile', '/EF', 'app.alert', 'MZ not really a program'];

/** The PDF with every object and stream written out plainly (qpdf's QDF form), to search as text. */
async function plain(pdf: Buffer, name: string): Promise<string> {
  const src = join(dir, `${name}.pdf`);
  await writeFile(src, pdf);
  await run('qpdf', ['--qdf', '--object-streams=disable', src, `${src}.qdf`]);
  return (await readFile(`${src}.qdf`)).toString('latin1');
}

describe('deliverables carry no active content', () => {
  it('a delivered PDF with scripts, an embedded file and launch actions leaves packaging without them, still valid; a clean one is untouched', async () => {
    const book = makeBook({ bookNo: '61', expectedCases: 2 });
    const store = new FsStore(join(dir, 'store'));
    const active = await activePdf();
    const clean = await blankPdf(2);
    for (const s of ACTIVE.slice(0, 3)) expect((await plain(active, 'before')).includes(s)).toBe(true);

    const up = await intakeScans(store, { book, files: [{ name: caseName(book, 1), body: active }, { name: caseName(book, 2), body: clean }] });
    const result = await createScanActivities({ store, heartbeat: () => undefined }).packageScans({ book, uploadPrefix: up.uploadPrefix });
    expect(result.pages).toBe(3);

    const keys = artifactKeys(book);
    const out = await store.getBuffer(`${keys.pdfs}/${caseName(book, 1)}`);
    const path = join(dir, 'out.pdf');
    await writeFile(path, out);
    const { stdout } = await run('qpdf', ['--check', path]);
    expect(stdout).toContain('No syntax or stream encoding errors found');
    const text = await plain(out, 'after');
    for (const s of ACTIVE) expect(text.includes(s), s).toBe(false);
    // A link to a web address is no threat and stays.
    expect(text).toContain('/URI');

    // The zip holds the same sanitised bytes; the clean PDF goes through as delivered.
    await writeFile(join(dir, 'book.zip'), await store.getBuffer(keys.zip));
    const { stdout: fromZip } = await run('unzip', ['-p', join(dir, 'book.zip'), caseName(book, 1)], { encoding: 'buffer', maxBuffer: 1 << 24 } as never);
    expect(Buffer.compare(fromZip as unknown as Buffer, out)).toBe(0);
    expect(Buffer.compare(await store.getBuffer(`${keys.pdfs}/${caseName(book, 2)}`), clean)).toBe(0);
  });
});
