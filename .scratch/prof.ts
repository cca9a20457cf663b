import { performance } from 'node:perf_hooks';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intakeScans } from '../activities/scans/intake';
import { createScanActivities } from '../activities/scans/packageScans';
import { FsStore } from '../activities/storage/fs';
import { inspectPdf, buildCasePdf } from '../activities/scans/pdf';
import { inspectJpeg } from '../activities/scans/images';
import { bookSchema } from '../domain/book';
import { findAgency } from '../domain/data/quangNam';
import { pdfName, artifactKeys } from '../domain/naming';
import { makeJpeg } from '../test/support/images';
const book = bookSchema.parse({ agency: findAgency('20194'), type: 'birth', bookNo: '02', yearFrom: 2017, yearTo: 2017 });
const N = Number(process.env.N ?? 80);
const files = [];
for (let n = 1; n <= N; n++) {
  const imgs = [];
  for (let p = 1; p <= 5; p++) { const data = makeJpeg({ width: 248, height: 351, seed: n * 1000 + p, padTo: 100_000, dpi: 30 }); imgs.push({ data, info: (inspectJpeg(data) as any).info }); }
  files.push({ name: pdfName({ ...book, registrationDate: '2017-01-01', caseNo: n }), body: Buffer.from(await buildCasePdf('x', imgs)) });
}
let t = performance.now();
for (const f of files) await inspectPdf(f.body as Buffer);
console.log('inspectPdf all', (performance.now() - t).toFixed(0), 'ms');
const store = new FsStore(await mkdtemp(join(tmpdir(), 'prof-')));
const up = await intakeScans(store, { book, uploadId: 'p', files });
t = performance.now();
await store.list(up.uploadPrefix);
console.log('list', (performance.now() - t).toFixed(0));
t = performance.now();
for (const o of await store.list(up.uploadPrefix)) await store.getBuffer(o.key);
console.log('read all', (performance.now() - t).toFixed(0));
t = performance.now();
for (const o of await store.list(up.uploadPrefix)) await store.copy(o.key, o.key.replace('uploads', 'copytest'));
console.log('copy all', (performance.now() - t).toFixed(0));
t = performance.now();
await createScanActivities({ store }).packageScans({ book, uploadPrefix: up.uploadPrefix });
console.log('packageScans', (performance.now() - t).toFixed(0));
