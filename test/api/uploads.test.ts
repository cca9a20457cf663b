import ExcelJS from 'exceljs';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as archiverModule from 'archiver';
import type { Archiver, ArchiverOptions } from 'archiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIdFor, type Book } from '../../domain/book';
import { statusQuery } from '../../workflows/definitions';
import { artifactKeys } from '../../domain/naming';
import { sampleCases, sampleExcel, samplePdf, sampleRows } from '../../clients/samples';
import { columnLetter, templateFor } from '../../domain/excel';
import { sheetOf } from '../excel/support';
import { ksCsv } from '../data/c06Fixtures';
import { makeZip } from '../hostile/make/zip';
import { book } from '../support/fixtures';
import { waitForStatus } from '../support/temporal';
import { driveTo } from './drive';
import { runCli, startApi, type ApiHarness } from './helpers';
import { multipart } from './multipart';

const archiver = ((archiverModule as unknown as { default?: unknown }).default ?? archiverModule) as (f: 'zip', o: ArchiverOptions) => Archiver;

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi({ config: { SOHOA_MAX_UPLOAD_MB: '1' } });
});
afterAll(async () => h?.close());

const pdfs = async (b: Book, cases: number) => Promise.all(sampleCases(b, cases).map(async (c) => ({ filename: c.name, contentType: 'application/pdf', data: await samplePdf(c.name, 2) })));
const wait = (id: string, pred: Parameters<typeof waitForStatus>[2]) => waitForStatus(h.env.client, id, pred);
const uploads = async (b: Book) => h.store.list(artifactKeys(b).uploads);

async function zipOf(files: Array<{ filename: string; data: Buffer }>): Promise<Buffer> {
  const a = archiver('zip', { store: true });
  const chunks: Buffer[] = [];
  a.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => a.on('end', r));
  for (const f of files) a.append(f.data, { name: `giao/${f.filename}` });
  await a.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('scan uploads', () => {
  it('many PDFs in one multipart request are stored and submitted; the workflow packages them', async () => {
    const b = book({ agencyCode: '20335', bookNo: '11', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'scanWork');
    const { payload, headers } = multipart(await pdfs(b, 2));
    const r = await h.call('contractor', 'PUT', `/api/registers/${id}/scans`, payload, headers);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ files: 2, uploadPrefix: expect.stringContaining(artifactKeys(b).uploads), action: { unchanged: false } });
    const st = await wait(id, (s) => s.phase === 'review');
    expect(st.counts).toMatchObject({ pdfs: 2, pages: 4 });
    // The book's files can be listed and downloaded with their checksum.
    const files = (await h.call('clerk', 'GET', `/api/registers/${id}/files`)).json().items as Array<{ key: string; sha256: string; bytes: number }>;
    const zip = files.find((f) => f.key.endsWith('.zip'))!;
    const dl = await h.call('clerk', 'GET', `/api/registers/${id}/file?key=${encodeURIComponent(zip.key)}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.length).toBe(zip.bytes);
    expect(dl.headers['x-sha256']).toBe(zip.sha256);
    expect((await h.call('clerk', 'GET', `/api/registers/${id}/file?key=${encodeURIComponent('books/20398/x.zip')}`)).statusCode).toBe(403);
  });

  it('a zip sent as the raw body is unpacked into the upload', async () => {
    const b = book({ agencyCode: '20335', bookNo: '12', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'scanWork');
    const zip = await zipOf(await pdfs(b, 2));
    const r = await h.call('clerk', 'PUT', `/api/registers/${id}/scans?filename=giao.zip`, zip, { 'content-type': 'application/zip' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().files).toBe(2);
    await wait(id, (s) => s.phase === 'review' && s.counts.pdfs === 2);
  });

  it('413 past the size limit and 415 for other file types; nothing is stored', async () => {
    const b = book({ agencyCode: '20335', bookNo: '13', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'scanWork');
    const [first] = await pdfs(b, 1);
    const big = multipart([first!, { filename: 'KS.2016.13.2016-01-01.02.pdf', contentType: 'application/pdf', data: randomBytes(1_200_000) }]);
    const r = await h.call('contractor', 'PUT', `/api/registers/${id}/scans`, big.payload, big.headers);
    expect(r.statusCode, r.body).toBe(413);
    expect(r.json().error).toBe('PayloadTooLarge');
    expect(await uploads(b)).toEqual([]);
    const txt = multipart([first!, { filename: 'ghi-chu.txt', contentType: 'text/plain', data: 'xin chào' }]);
    const t = await h.call('contractor', 'PUT', `/api/registers/${id}/scans`, txt.payload, txt.headers);
    expect(t.statusCode).toBe(415);
    expect(t.json().details[0].path).toBe('ghi-chu.txt');
    expect(await uploads(b)).toEqual([]);
    expect((await h.call('contractor', 'PUT', `/api/registers/${id}/scans`, { a: 1 })).statusCode).toBe(415);
    expect((await h.env.client.workflow.getHandle(id).query(statusQuery)).artifacts).toEqual([]);
  });

  it('413 for a zip that would unpack past the limit (its declared sizes, ignored entries too), before anything is stored', async () => {
    const b = book({ agencyCode: '20335', bookNo: '17', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'scanWork');
    const [first] = await pdfs(b, 1);
    const bomb = makeZip([{ name: first!.filename, data: first!.data }, { name: '__MACOSX/._x', zeros: 64 << 20 }]);
    expect(bomb.length).toBeLessThan(1 << 20);
    const r = await h.call('contractor', 'PUT', `/api/registers/${id}/scans?filename=giao.zip`, bomb, { 'content-type': 'application/zip' });
    expect(r.statusCode, r.body).toBe(413);
    expect(r.json().message).toContain('giao.zip: các tệp trong zip bung ra 64 MB, vượt giới hạn 1 MB của lần tải lên (SOHOA_MAX_UPLOAD_MB)');
    expect(await uploads(b)).toEqual([]);
    expect((await h.env.client.workflow.getHandle(id).query(statusQuery)).artifacts).toEqual([]);
  });

  it('409 when the book is not at the scan step; 403 for another district; 404 unknown book', async () => {
    const b = book({ agencyCode: '20335', bookNo: '14', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'inventory');
    const { payload, headers } = multipart(await pdfs(b, 1));
    expect((await h.call('contractor', 'PUT', `/api/registers/${id}/scans`, payload, headers)).statusCode).toBe(409);
    expect((await h.call('otherContractor', 'PUT', `/api/registers/${id}/scans`, payload, headers)).statusCode).toBe(403);
    expect((await h.call('contractor', 'PUT', `/api/registers/reg-20335-KS-98-2016/scans`, payload, headers)).statusCode).toBe(404);
  });

  it('an upload interrupted half-way stores nothing', async () => {
    const b = book({ agencyCode: '20335', bookNo: '15', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'scanWork');
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (h.app.server.address() as AddressInfo).port;
    const files = await pdfs(b, 2);
    const { payload, headers } = multipart([files[0]!, { ...files[1]!, data: Buffer.concat([files[1]!.data, randomBytes(300_000)]) }]);
    // The first file arrives whole, the second is cut: the client goes away.
    const cut = Math.floor(payload.length * 0.8);
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, method: 'PUT', path: `/api/registers/${id}/scans`, headers: { ...headers, 'content-length': payload.length, authorization: `Bearer ${h.tokens.contractor}` } });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(payload.subarray(0, cut), () => setTimeout(() => (req.destroy(), resolve()), 300));
    });
    // Give the server time to notice and clean up.
    for (let i = 0; i < 50 && (await uploads(b)).length; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    // The upload had reached the route (and its first file the store) when the client went away.
    expect(h.logs.lines.find((l) => l.bookId === id && (l.err as { code?: string } | undefined)?.code === 'ECONNRESET')).toMatchObject({ msg: 'tải lên bị ngắt giữa chừng' });
    expect(await uploads(b)).toEqual([]);
    const st = await h.env.client.workflow.getHandle(id).query(statusQuery);
    expect(st).toMatchObject({ step: 'scan', phase: 'work', artifacts: [] });
  });
});

describe('Excel and C06 uploads, templates', () => {
  it('an .xlsx transcription is stored and validated by the workflow; 415 for a file that is not one', async () => {
    const b = book({ agencyCode: '20335', type: 'maritalStatus', bookNo: '16', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'dataWork');
    const fake = multipart([{ filename: 'HN.2016.16.xlsx', data: 'không phải excel' }]);
    expect((await h.call('contractor', 'PUT', `/api/registers/${id}/excel`, fake.payload, fake.headers)).statusCode).toBe(415);
    const { payload, headers } = multipart([{ filename: 'HN.2016.16.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: await sampleExcel(b, 2) }]);
    const r = await h.call('contractor', 'PUT', `/api/registers/${id}/excel`, payload, headers);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ excelKey: expect.stringMatching(/\/excel\/.+\/HN\.2016\.16\.xlsx$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const st = await wait(id, (s) => s.phase === 'review');
    expect(st.counts.excelRows).toBe(2);
    expect(st.artifacts.find((a) => a.kind === 'excel')?.sha256).toBe(r.json().sha256);
  });

  it('a workbook with a mistyped header comes back to the clerk named as uploaded, its one problem by cell and field', async () => {
    const b = book({ agencyCode: '20335', type: 'maritalStatus', bookNo: '18', yearFrom: 2016, yearTo: 2016 });
    const id = await driveTo(h, b, 'dataWork');
    const keys = templateFor('maritalStatus').columns.map((c) => c.key);
    const renamed = keys.map((k) => (k === 'nxnHoTen' ? 'NXNHOTEN' : k));
    const rows = sampleRows(b, 2).map((r) => ({ ...r, NXNHOTEN: r.nxnHoTen ?? '' }) as Record<string, string>);
    const file = await sheetOf(renamed, rows, 'HN');
    const { payload, headers } = multipart([{ filename: 'Sổ HN 2016 (lần 2).xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: file }]);
    const r = await h.call('clerk', 'PUT', `/api/registers/${id}/excel?submit=true`, payload, headers);
    expect(r.statusCode, r.body).toBe(200);
    const st = await wait(id, (s) => s.step === 'excel' && s.phase === 'work' && s.problems.length > 0);
    const column = columnLetter(keys.indexOf('nxnHoTen') + 1);
    expect(st.problems.map((p) => p.message)).toEqual([
      'Tệp Sổ HN 2016 _lần 2_.xlsx có 1 lỗi; xem bản sao đã tô đỏ các ô lỗi.',
      expect.stringMatching(new RegExp(`^Ô ${column}1 \\(nxnHoTen\\): Tên cột "NXNHOTEN" gần giống "nxnHoTen" của mẫu`)),
    ]);
  });

  it('a C06 batch is matched to the commune books at the C06 step and delivered to each; the same batch again writes nothing', async () => {
    const b1 = book({ agencyCode: '20335', type: 'birth', bookNo: '01', yearFrom: 2017, yearTo: 2017 });
    const b2 = book({ agencyCode: '20335', type: 'birth', bookNo: '02', yearFrom: 2017, yearTo: 2017 });
    await Promise.all([driveTo(h, b1, 'dataWork'), driveTo(h, b2, 'dataWork')]);
    const { payload, headers } = multipart([{ filename: 'c06-tamky.csv', contentType: 'text/csv', data: ksCsv() }]);
    const r = await h.call('c06', 'POST', '/api/c06/batches', payload, headers);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.unchanged).toBe(false);
    expect(body.matched.map((m: { id: string; result: string }) => [m.id, m.result]).sort()).toEqual([
      [workflowIdFor(b1), 'done'],
      [workflowIdFor(b2), 'done'],
    ]);
    expect(body.unmatched.length).toBeGreaterThan(0);
    const st = await h.env.client.workflow.getHandle(workflowIdFor(b1)).query(statusQuery);
    expect(st.artifacts.find((a) => a.kind === 'c06Batch')?.key).toBe(body.batchRef);
    const again = await h.call('c06', 'POST', '/api/c06/batches', payload, headers);
    expect(again.json()).toMatchObject({ unchanged: true, batchRef: body.batchRef });
    expect(again.json().matched.every((m: { result: string }) => m.result !== 'done')).toBe(true);
    expect((await h.call('contractor', 'POST', '/api/c06/batches', payload, headers)).statusCode).toBe(403);
  });

  it('a C06 batch over a limit is refused with 413 naming the limit and the row', async () => {
    const csv = `${ksCsv().toString('utf8').split('\n')[0]}\n${'x'.repeat(40_000)}\n`;
    const { payload, headers } = multipart([{ filename: 'c06-dai.csv', contentType: 'text/csv', data: Buffer.from(csv) }]);
    const r = await h.call('c06', 'POST', '/api/c06/batches', payload, headers);
    expect(r.statusCode, r.body).toBe(413);
    expect(r.json()).toMatchObject({ error: 'PayloadTooLarge' });
    expect(r.json().message).toMatch(/c06-dai\.csv: dòng 2: ô dài hơn 32767 ký tự \(SOHOA_MAX_CELL_CHARS\)/);
  });

  it('Excel templates by register type', async () => {
    const r = await h.call('contractor', 'GET', '/api/templates/KS.xlsx');
    expect(r.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    expect((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toContain('nksHoTen');
    expect((await h.call('contractor', 'GET', '/api/templates/birth.xlsx')).statusCode).toBe(200);
    expect((await h.call('contractor', 'GET', '/api/templates/ZZ.xlsx')).statusCode).toBe(404);
    expect((await h.call('contractor', 'GET', '/api/templates/KS.pdf')).statusCode).toBe(400);
  });
});

describe('a book driven through its plan by every actor', () => {
  const b = book({ agencyCode: '502', type: 'birth', bookNo: '21', yearFrom: 2016, yearTo: 2016 });
  const id = workflowIdFor(b);

  it('manager creates, clerk inventories, contractor uploads, clerk reviews and confirms, manager accepts; the timeline shows each', async () => {
    const ok = async (p: Promise<{ statusCode: number; body: string }>) => {
      const r = await p;
      expect(r.statusCode, r.body).toBe(200);
      return r;
    };
    await ok(h.call('manager', 'POST', '/api/registers', { items: [{ agencyCode: '502', type: 'KS', bookNo: '21', yearFrom: 2016 }] }));
    await ok(h.call('districtClerk', 'POST', `/api/registers/${id}/actions/confirmInventory`, { cases: 2, pages: 4, condition: 'good' }));
    const scans = multipart(await pdfs(b, 2));
    await ok(h.call('contractor', 'PUT', `/api/registers/${id}/scans`, scans.payload, scans.headers));
    await wait(id, (s) => s.phase === 'review');
    await ok(h.call('districtClerk', 'POST', `/api/registers/${id}/actions/approve`, { note: 'ảnh rõ' }));
    const xl = multipart([{ filename: 'KS.2016.21.xlsx', data: await sampleExcel(b, 2) }]);
    await ok(h.call('contractor', 'PUT', `/api/registers/${id}/excel`, xl.payload, xl.headers));
    await wait(id, (s) => s.step === 'excel' && s.phase === 'review');
    await ok(h.call('districtClerk', 'POST', `/api/registers/${id}/actions/approve`, {}));
    await wait(id, (s) => s.step === 'import' && s.phase === 'work');
    await ok(h.call('districtClerk', 'POST', `/api/registers/${id}/actions/importConfirmed`, { imported: 2, failed: 0 }));
    await wait(id, (s) => s.step === 'acceptance' && s.phase === 'review');
    const done = await ok(h.call('manager', 'POST', `/api/registers/${id}/actions/approve`, { note: 'đạt yêu cầu' }));
    expect(JSON.parse(done.body).status.step).toBe('done');

    const t = (await h.call('auditor', 'GET', `/api/registers/${id}/history`)).json();
    expect(t.actors.map((a: { userId: string }) => a.userId).sort()).toEqual(['congchuc.tamky', 'nhathau.a', 'quanly.tinh']);
    const actions = t.entries.filter((e: { kind: string }) => e.kind === 'action').map((e: { action: string; actor: { userId: string }; outcome: string }) => [e.action, e.actor.userId, e.outcome]);
    expect(actions).toEqual([
      ['confirmInventory', 'congchuc.tamky', 'ok'],
      ['scansUploaded', 'nhathau.a', 'ok'],
      ['approve', 'congchuc.tamky', 'ok'],
      ['excelUploaded', 'nhathau.a', 'ok'],
      ['approve', 'congchuc.tamky', 'ok'],
      ['importConfirmed', 'congchuc.tamky', 'ok'],
      ['approve', 'quanly.tinh', 'ok'],
    ]);
    expect(t.entries[0]).toMatchObject({ kind: 'created', actor: { userId: 'quanly.tinh' } });
    const completed = t.entries.filter((e: { kind: string }) => e.kind === 'activityCompleted').map((e: { activity: string }) => e.activity);
    expect(completed).toEqual(expect.arrayContaining(['packageScans', 'validateExcel', 'submitImport', 'computeAcceptance']));
    expect(t.entries.find((e: { kind: string; changes?: Record<string, unknown> }) => e.kind === 'stateChanged' && e.changes?.SohoaStep)).toBeDefined();
    expect(t.entries.at(-1)).toMatchObject({ kind: 'closed', text: 'Kết thúc: Hoàn thành' });
    const withPayload = t.entries.find((e: { action?: string }) => e.action === 'confirmInventory');
    expect(withPayload.payload).toMatchObject({ cases: 2, pages: 4, condition: 'good' });
  });

  it('the acceptance minutes list the accepted book', async () => {
    const r = await h.call('manager', 'GET', '/api/reports/acceptance?district=502');
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-books']).toBe('1');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const text = wb.worksheets.flatMap((ws) => ws.getSheetValues().flat()).join(' ');
    expect(text).toContain('BIÊN BẢN NGHIỆM THU');
    expect((await h.call('contractor', 'GET', '/api/reports/acceptance')).statusCode).toBe(403);
  });

  it('the CLI shows the status, the timeline and the progress table, and exits non-zero with a clear message', async () => {
    const cli = (args: string[], token = h.tokens.manager) => runCli(h, args, token);
    const [status, timeline, progress, json, missing, denied] = await Promise.all([
      cli(['status', id]),
      cli(['timeline', id]),
      cli(['report', 'progress', '--by', 'step']),
      cli(['--json', 'status', id]),
      cli(['status', 'reg-502-KS-99-2016']),
      cli(['status', id], h.tokens.otherClerk),
    ]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('Hoàn thành');
    expect(timeline.stdout).toContain('nhathau.a');
    expect(timeline.stdout).toContain('Xác nhận rà soát, thống kê');
    expect(progress.stdout).toMatch(/Hoàn thành\s+1/);
    expect(progress.stdout).toContain('Tổng cộng');
    expect(JSON.parse(json.stdout)).toMatchObject({ workflowId: id, step: 'done' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Lỗi: 404 NotFound: không có sổ/);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('403 Forbidden');

    const csv = join(h.dir, 'danh-muc.csv');
    await writeFile(csv, 'agencyCode,type,bookNo,yearFrom\n20344,KT,01,2005\n20344,KT,02,2031\n');
    const imp = await cli(['import', csv]);
    expect(imp.code).toBe(3);
    expect(imp.stdout).toContain('danh-muc.csv: 2 dòng — đã tạo 1, đã có 0, bị từ chối 1.');
    expect(imp.stdout).toMatch(/dòng 3: .*2019/);
    const replay = await cli(['replay', id], h.tokens.auditor);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain('1 đúng, 0 không tất định');
  }, 60_000);
});
