import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeScans, type IntakeFile } from '../../activities/scans/intake';
import { FsStore } from '../../clients/storage/fs';
import { workflowIdFor, type Book } from '../../domain/book';
import { artifactKeys } from '../../domain/naming';
import { actionUpdates, WORKFLOW_TYPE } from '../../workflows/definitions';
import type { registerDigitization } from '../../workflows/registerDigitization';
import { book as makeBook, input, users } from '../support/fixtures';
import { useWorkerEnv, waitForStatus } from '../support/temporal';
import { caseName, imageDelivery, stem } from '../scans/delivery';
import { jpegDeclaring, pngDeclaring } from './make/image';
import { inChild, MAX_RSS_MB, record } from './rss';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sohoa-hostile-img-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A delivery of `cases` one-page cases, the last page of case n replaced by `extra[n]`. */
function delivery(book: Book, cases: number, extra: Record<number, { name: string; data: Buffer }>): IntakeFile[] {
  const files = imageDelivery(book, cases, 1);
  for (const [n, f] of Object.entries(extra)) files.push({ name: `${stem(caseName(book, Number(n)))}/${f.name}`, body: f.data });
  return files;
}

describe('page images that declare giant sizes', () => {
  it('a 74-byte PNG declaring 60,000 × 60,000 RGBA pixels fails packaging once, non-retryable, naming case and file, under 300 MB', async () => {
    const book = makeBook({ bookNo: '21', expectedCases: 2 });
    const store = new FsStore(join(root, 'a'));
    const png = pngDeclaring(60_000, 60_000, 6);
    expect(png.length).toBe(74);
    const up = await intakeScans(store, { book, files: delivery(book, 2, { 2: { name: '002.png', data: png } }) });
    const run = await inChild({ kind: 'package', root: join(root, 'a'), book, uploadPrefix: up.uploadPrefix });
    await record('scans: 74-byte PNG declaring 60,000² RGBA', run);
    expect(run.result, run.stderr).toMatchObject({ ok: false, error: { type: 'ScansInvalid', nonRetryable: true } });
    expect((run.result as { error: { problems: string[] } }).error.problems).toEqual([
      `${stem(caseName(book, 2))}/002.png: ảnh khai báo 60000 × 60000 điểm ảnh, cạnh dài hơn giới hạn 30000 điểm ảnh (SOHOA_MAX_IMAGE_SIDE)`,
    ]);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
    expect((await store.list(artifactKeys(book).prefix)).filter((o) => !o.key.startsWith(up.uploadPrefix))).toEqual([]);
  });

  it('every other way to declare too many pixels is listed too: RGB embedded as it is, RGBA that must be decoded, JPEG', async () => {
    const book = makeBook({ bookNo: '22', expectedCases: 4 });
    const store = new FsStore(join(root, 'b'));
    const up = await intakeScans(store, {
      book,
      files: delivery(book, 4, {
        1: { name: '002.png', data: pngDeclaring(20_000, 20_000, 2) },
        2: { name: '002.png', data: pngDeclaring(20_000, 20_000, 6) },
        3: { name: '002.png', data: pngDeclaring(5_000, 5_000, 6) },
        4: { name: '002.jpg', data: jpegDeclaring(65_000, 65_000) },
      }),
    });
    const run = await inChild({ kind: 'package', root: join(root, 'b'), book, uploadPrefix: up.uploadPrefix });
    await record('scans: 20,000² RGB and RGBA PNG, 5,000² RGBA PNG, 65,000² JPEG', run);
    expect(run.result).toMatchObject({ ok: false, error: { type: 'ScansInvalid', nonRetryable: true } });
    const problems = (run.result as { error: { problems: string[] } }).error.problems;
    expect(problems).toEqual([
      `${stem(caseName(book, 1))}/002.png: ảnh khai báo 20000 × 20000 điểm ảnh (400.0 megapixel), vượt giới hạn 100 megapixel (SOHOA_MAX_IMAGE_MEGAPIXELS)`,
      `${stem(caseName(book, 2))}/002.png: ảnh khai báo 20000 × 20000 điểm ảnh (400.0 megapixel), vượt giới hạn 12 megapixel cho ảnh PNG có kênh trong suốt hoặc xen kẽ (phải giải nén) (SOHOA_MAX_DECODED_IMAGE_MEGAPIXELS)`,
      `${stem(caseName(book, 3))}/002.png: ảnh khai báo 5000 × 5000 điểm ảnh (25.0 megapixel), vượt giới hạn 12 megapixel cho ảnh PNG có kênh trong suốt hoặc xen kẽ (phải giải nén) (SOHOA_MAX_DECODED_IMAGE_MEGAPIXELS)`,
      `${stem(caseName(book, 4))}/002.jpg: ảnh khai báo 65000 × 65000 điểm ảnh, cạnh dài hơn giới hạn 30000 điểm ảnh (SOHOA_MAX_IMAGE_SIDE)`,
    ]);
    expect(run.result!.maxRssMb).toBeLessThan(MAX_RSS_MB);
  });
});

describe('the book with the giant PNG', () => {
  const t = useWorkerEnv();

  it('goes back to the contractor with the file named, instead of retrying packaging forever', async () => {
    const book = makeBook({ agencyCode: '502', bookNo: '23' });
    const h = await t.env.client.workflow.start<typeof registerDigitization>(WORKFLOW_TYPE, {
      taskQueue: t.taskQueue,
      workflowId: workflowIdFor(book),
      args: [input(book, { deadline: '2099-01-01T00:00:00+07:00' })],
    });
    const act = (action: 'confirmInventory' | 'scansUploaded', actor: (typeof users)[keyof typeof users], payload: unknown) =>
      h.executeUpdate(actionUpdates[action], { args: [{ actor, payload }] });
    await act('confirmInventory', users.districtClerk, { cases: 2, pages: 3, condition: 'good' });
    const up = await intakeScans(t.deps.store, { book, files: delivery(book, 2, { 2: { name: '002.png', data: pngDeclaring(60_000, 60_000, 6) } }) });
    await act('scansUploaded', users.contractor, { uploadPrefix: up.uploadPrefix });
    const st = await waitForStatus(t.env.client, h.workflowId, (s) => s.problems.length > 0);
    expect([st.step, st.phase]).toEqual(['scan', 'work']);
    expect(st.failing).toBeFalsy();
    expect(st.problems.map((p) => p.message).join('\n')).toContain(`${stem(caseName(book, 2))}/002.png: ảnh khai báo 60000 × 60000 điểm ảnh`);
  });
});
