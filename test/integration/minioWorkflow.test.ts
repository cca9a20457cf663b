import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { OutboxGateway } from '../../activities/gateway';
import { createStore } from '../../clients/storage';
import type { ArtifactStore } from '../../clients/storage/types';
import { workflowIdFor } from '../../domain/book';
import { loadConfig } from '../../clients/config';
import { actionUpdates, WORKFLOW_TYPE } from '../../workflows/definitions';
import { uploadSampleExcel, uploadSampleScans } from '../../clients/samples';
import { book, input, users } from '../support/fixtures';
import { startMinio, type MinioServer } from '../support/minio';
import { startDevServer, useWorkerEnv, waitForStatus } from '../support/temporal';

let minio: MinioServer;
let store: ArtifactStore;
afterAll(() => minio?.stop());

// The production wiring: the store comes from the config, as the worker builds it.
const t = useWorkerEnv(startDevServer, async (local) => {
  minio = await startMinio();
  store = await createStore(
    loadConfig({ SOHOA_STORAGE: 's3', S3_ENDPOINT: minio.endpoint, S3_ACCESS_KEY: minio.accessKey, S3_SECRET_KEY: minio.secretKey, S3_BUCKET: 'sohoa-it' }),
  );
  return { ...local, store, gateway: new OutboxGateway(store) };
});

it('a book goes from inventory to done with its artifacts in MinIO, and the zip and manifest verify', async () => {
  const b = book({ agencyCode: '503', type: 'maritalStatus', bookNo: '51', yearFrom: 2016, yearTo: 2016 });
  const id = workflowIdFor(b);
  await t.env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: t.taskQueue, workflowId: id, args: [input(b, { deadline: '2099-01-01T00:00:00+07:00' })] });
  const act = (action: keyof typeof actionUpdates, actor: (typeof users)[keyof typeof users], payload: unknown = {}) =>
    t.env.client.workflow.getHandle(id).executeUpdate(actionUpdates[action], { args: [{ actor, payload }] });
  const settled = () => waitForStatus(t.env.client, id, (s) => s.phase !== 'processing');

  await act('confirmInventory', users.admin, { cases: 6, pages: 12, condition: 'good' });
  await act('scansUploaded', users.admin, { uploadPrefix: await uploadSampleScans(store, b, 6) });
  let st = await settled();
  expect(st.counts).toMatchObject({ pdfs: 6, pages: 12 });
  await act('approve', users.admin);
  await act('excelUploaded', users.admin, { excelKey: await uploadSampleExcel(store, b, 6) });
  st = await settled();
  expect([st.phase, st.counts.excelRows, st.problems]).toEqual(['review', 6, []]);
  await act('approve', users.admin);
  st = await settled();
  await act('importConfirmed', users.admin, { imported: 6, failed: 0 });
  st = await settled();
  st = await act('approve', users.manager);
  expect(st.step).toBe('done');

  // What an auditor would check: the zip in the bucket is sound and matches the manifest's checksums.
  const zip = st.artifacts.find((a) => a.kind === 'zip')!;
  const head = await store.head(zip.key);
  expect(head?.sha256).toBe(zip.sha256);
  const dir = await mkdtemp(join(tmpdir(), 'sohoa-minio-'));
  await writeFile(join(dir, 'book.zip'), await store.getBuffer(zip.key));
  expect(execFileSync('unzip', ['-t', join(dir, 'book.zip')]).toString()).toMatch(/No errors detected/);
  const manifest = JSON.parse((await store.getBuffer(st.artifacts.find((a) => a.kind === 'manifest')!.key)).toString());
  expect(manifest.files).toHaveLength(6);
});
