import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createImportActivities, HttpGateway, OutboxGateway, type HttpResult, type ImportPackageInput } from '../../activities/gateway';
import { workflowIdFor, type Book } from '../../domain/book';
import { excelName, manifestName, zipName } from '../../domain/naming';
import { book } from '../support/fixtures';
import { startFakeNational, type FakeNational, type FakeNationalFaults } from '../support/fakeNational';
import { storeBookPackage } from './bookPackage';
import { tempStore } from './c06Fixtures';

type Store = Awaited<ReturnType<typeof tempStore>>;

describe('RegistryGateway', () => {
  let s: Store;
  let national: FakeNational | undefined;
  beforeAll(async () => {
    s = await tempStore();
  });
  afterEach(async () => {
    await national?.stop();
    national = undefined;
  });
  afterAll(() => s.cleanup());

  let seq = 0;
  /** A fresh book (own keys, own idempotency key) with 5 cases in the store. */
  async function packageOf(over: Partial<Book> = {}): Promise<{ pkg: ImportPackageInput & { book: Book }; files: Awaited<ReturnType<typeof storeBookPackage>> }> {
    const b = book({ agencyCode: '502', bookNo: String(++seq).padStart(2, '0'), ...over });
    const files = await storeBookPackage(s.store, b, [1, 2, 1, 1, 3]);
    return {
      pkg: { workflowId: workflowIdFor(b), book: b, excelKey: files.keys.excel, zipKey: files.keys.zip, manifestKey: files.keys.manifest, records: files.records },
      files,
    };
  }

  const http = (faults: FakeNationalFaults, opts: { timeoutMs?: number; attempts?: number } = {}) =>
    startFakeNational(faults).then((n) => {
      national = n;
      return createImportActivities({ store: s.store, gateway: new HttpGateway({ url: n.url, store: s.store, backoffMs: 20, ...opts }) });
    });

  it('outbox: writes the import package with a Vietnamese README; writing it again changes nothing', async () => {
    const { pkg, files } = await packageOf();
    const acts = createImportActivities({ store: s.store, gateway: new OutboxGateway(s.store) });
    const r = await acts.submitImport(pkg);
    expect(r.mode).toBe('outbox');
    if (r.mode !== 'outbox') return;
    const listed = await s.store.list(r.packageKey);
    expect(listed.map((o) => o.key.split('/').pop())).toEqual([manifestName(pkg.book), excelName(pkg.book), zipName(pkg.book), 'README.txt']);
    const sha = Object.fromEntries(listed.map((o) => [o.key.split('.').pop(), o.sha256]));
    expect([sha.xlsx, sha.zip, sha.json]).toEqual([files.excel.sha256, files.zip.sha256, files.manifest.sha256]);
    const readme = (await s.store.getBuffer(`${r.packageKey}/README.txt`)).toString('utf8');
    expect(readme).toContain('GÓI DỮ LIỆU NHẬP VÀO CƠ SỞ DỮ LIỆU HỘ TỊCH ĐIỆN TỬ');
    expect(readme).toContain('Số bản ghi cần nhập: 5');
    expect(readme).toContain('Bản quét: 5 tệp PDF, 8 trang');
    expect(readme).toContain('Xác nhận đã nhập CSDLHTĐT');
    expect(readme).toBe(readme.normalize('NFC'));
    const again = await acts.submitImport(pkg);
    expect(again).toEqual(r);
    expect(await s.store.list(r.packageKey)).toEqual(listed);
  });

  it('outbox: a package whose files are missing is refused at once, naming each missing file', async () => {
    const { pkg } = await packageOf();
    const acts = createImportActivities({ store: s.store, gateway: new OutboxGateway(s.store) });
    const bad = { ...pkg, excelKey: `${pkg.excelKey}.missing`, zipKey: `${pkg.zipKey}.missing` };
    const err = await acts.submitImport(bad).catch((e) => e);
    expect(err).toMatchObject({ nonRetryable: true, type: 'ImportPackageIncomplete' });
    expect(err.message).toContain('tệp Excel');
    expect(err.message).toContain('tệp nén PDF');
  });

  it('http: 5xx twice then success — one import, the right counts, the answer recorded', async () => {
    const { pkg, files } = await packageOf();
    const acts = await http({ failFirst: 2 });
    const r = (await acts.submitImport(pkg)) as HttpResult;
    expect(r).toMatchObject({ mode: 'http', accepted: 5, rejected: 0, attempts: 3, idempotencyKey: expect.stringMatching(new RegExp(`^${pkg.workflowId}:[0-9a-f]{64}$`)) });
    expect(national!.calls).toBe(3);
    expect(national!.submissions).toHaveLength(1);
    // The endpoint received the very files of the store, streamed.
    const parts = Object.fromEntries(national!.submissions[0]!.parts.map((p) => [p.name, p]));
    expect([parts.excel!.sha256, parts.pdfs!.sha256, parts.manifest!.sha256]).toEqual([files.excel.sha256, files.zip.sha256, files.manifest.sha256]);
    expect(parts.pdfs!.fileName).toBe(files.keys.zip.split('/').pop());
    const receipt = JSON.parse((await s.store.getBuffer(r.receiptKey)).toString('utf8'));
    expect(receipt.answer).toMatchObject({ accepted: 5, rejected: 0, receipt: r.receipt });
    // Submitting again (a workflow retry) reuses the recorded answer: no call at all.
    const again = (await acts.submitImport(pkg)) as HttpResult;
    expect(again).toMatchObject({ accepted: 5, receipt: r.receipt, attempts: 0 });
    expect(national!.calls).toBe(3);
  });

  it('http: a timeout after the endpoint imported — the retry gets the first answer, no second import', async () => {
    const { pkg } = await packageOf();
    const acts = await http({ slowFirst: { calls: 1, ms: 2_000 } }, { timeoutMs: 300 });
    const r = (await acts.submitImport(pkg)) as HttpResult;
    expect(r).toMatchObject({ accepted: 5, rejected: 0, attempts: 2 });
    expect(national!.calls).toBe(2);
    expect(national!.submissions).toHaveLength(1);
  });

  it('http: the same rows saved again after a lost answer keep the Idempotency-Key — no second import; a changed row is a new one', async () => {
    const { pkg, files } = await packageOf();
    const acts = await http({ slowFirst: { calls: 1, ms: 2_000 } }, { timeoutMs: 300, attempts: 1 });
    await expect(acts.submitImport(pkg)).rejects.toThrow(/không gửi được/);
    // The clerk opens and saves the workbook: other bytes (save time, creator), the same rows.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await s.store.getBuffer(pkg.excelKey)) as unknown as ArrayBuffer);
    wb.created = wb.modified = new Date(2030, 0, 1);
    wb.creator = 'Người khác';
    const resaved = await s.store.put(pkg.excelKey, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(resaved.sha256).not.toBe(files.excel.sha256);
    const r = (await acts.submitImport(pkg)) as HttpResult;
    expect(r).toMatchObject({ accepted: 5, rejected: 0 });
    expect(national!.submissions).toHaveLength(1);
    const keyBefore = r.idempotencyKey;
    // One name corrected: another import of this book, under another key.
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => void (c.value === 'Nguyễn Văn Số 1' && (c.value = 'Nguyễn Văn Sửa')))));
    await s.store.put(pkg.excelKey, Buffer.from(await wb.xlsx.writeBuffer()));
    await s.store.delete(r.receiptKey);
    const again = (await acts.submitImport(pkg)) as HttpResult;
    expect(again.idempotencyKey).not.toBe(keyBefore);
    expect(national!.submissions).toHaveLength(2);
  });

  it('http: still failing after the quick attempts → an ordinary (retryable) error; the next activity attempt succeeds once', async () => {
    const { pkg } = await packageOf();
    const acts = await http({ failFirst: 3 }, { attempts: 2 });
    const err = await acts.submitImport(pkg).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.nonRetryable).toBeUndefined();
    expect(err.message).toContain('HTTP 503');
    expect(national!.submissions).toHaveLength(0);
    // What Temporal's retry does: call the activity again.
    const r = (await acts.submitImport(pkg)) as HttpResult;
    expect(r.accepted).toBe(5);
    expect(national!.calls).toBe(4);
    expect(national!.submissions).toHaveLength(1);
  });

  it('http: partial acceptance — accepted and rejected counts as the endpoint says', async () => {
    const { pkg } = await packageOf();
    const acts = await http({ acceptAtMost: 3 });
    const r = (await acts.submitImport(pkg)) as HttpResult;
    expect(r).toMatchObject({ accepted: 3, rejected: 2 });
    expect(national!.submissions).toHaveLength(1);
  });

  it('http: a refusal (4xx) is not retried', async () => {
    const { pkg } = await packageOf();
    const acts = await http({ status: 422 });
    await expect(acts.submitImport(pkg)).rejects.toMatchObject({ nonRetryable: true, type: 'NationalRejected' });
    expect(national!.calls).toBe(1);
  });

  it('refuses a malformed package before any call', async () => {
    const { pkg } = await packageOf();
    const acts = await http({});
    await expect(acts.submitImport({ ...pkg, records: -1, excelKey: '../x' })).rejects.toMatchObject({ nonRetryable: true, type: 'InvalidImportPackage' });
    expect(national!.calls).toBe(0);
  });
});
