/**
 * Runs one handler of a user's file in its own process, for the hostile-input tests: the parent
 * caps its heap, and the handler's peak RSS is what this process reports. Input in SOHOA_CHILD
 * (JSON); prints one `result {…}` line, unless the process dies first.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DEFAULT_LIMITS, type Limits } from '../../clients/config';
import type { Book } from '../../domain/book';

export type Job = { limits?: Partial<Limits> } & (
  | { kind: 'inventory'; file: string; name: string }
  | { kind: 'c06'; file: string; name: string; root: string }
  | { kind: 'intake'; file: string; name: string; root: string; book: Book; maxBytes: number }
  | { kind: 'package'; root: string; book: Book; uploadPrefix: string }
  | { kind: 'pdf'; file: string }
  | { kind: 'excel'; file: string; name: string; root: string; book: Book }
);

export interface ChildError {
  name: string;
  message: string;
  /** ApplicationFailure's type, or the API error's code. */
  type?: string;
  nonRetryable?: boolean;
  status?: number;
  problems?: string[];
}

const job = JSON.parse(process.env.SOHOA_CHILD ?? '{}') as Job;
const limits = { ...DEFAULT_LIMITS, ...job.limits };

// Each handler's modules only, imported when needed: the RSS is that handler's.
async function run(): Promise<unknown> {
  switch (job.kind) {
    case 'inventory': {
      const { formatOf, readInventory } = await import('../../activities/inventory');
      let rows = 0;
      for await (const _ of readInventory(await readFile(job.file), job.name, formatOf(job.name)!, limits)) rows++;
      return { rows };
    }
    case 'c06': {
      const [{ intakeC06Batch }, { formatOf }, { FsStore }, { units }] = await Promise.all([
        import('../../activities/c06/intake'),
        import('../../activities/inventory'),
        import('../../clients/storage/fs'),
        import('../support/fixtures'),
      ]);
      const batch = { source: { stream: createReadStream(job.file) }, format: formatOf(job.name)!, fileName: job.name };
      const r = await intakeC06Batch({ store: new FsStore(job.root), batch, candidates: [], districts: units.districts, limits });
      return { rows: r.rows };
    }
    case 'intake': {
      const [{ intakeScans }, { FsStore }] = await Promise.all([import('../../activities/scans/intake'), import('../../clients/storage/fs')]);
      return intakeScans(new FsStore(job.root), { book: job.book, files: [{ name: job.name, body: createReadStream(job.file) }], maxBytes: job.maxBytes, limits });
    }
    case 'package': {
      const [{ createScanActivities }, { FsStore }] = await Promise.all([import('../../activities/scans/packageScans'), import('../../clients/storage/fs')]);
      return createScanActivities({ store: new FsStore(job.root), limits, heartbeat: () => undefined }).packageScans({ book: job.book, uploadPrefix: job.uploadPrefix });
    }
    case 'excel': {
      const [{ createValidateExcel }, { FsStore }] = await Promise.all([import('../../activities/excel/validateExcel'), import('../../clients/storage/fs')]);
      const store = new FsStore(job.root);
      const excelKey = `uploads/excel/${job.name}`;
      await store.put(excelKey, createReadStream(job.file));
      return createValidateExcel({ store, limits, heartbeat: () => undefined })({ book: job.book, excelKey });
    }
    case 'pdf': {
      const { inspectPdf } = await import('../../activities/scans/pdf');
      return inspectPdf(await readFile(job.file), limits, { sanitise: true });
    }
  }
}

/** What the parent needs of a failure: ApplicationFailure's type, the API error's code and status, the intake's problems. */
function errorOf(e: unknown): ChildError {
  const err = e as Error & { type?: string; nonRetryable?: boolean; details?: unknown[]; code?: string; status?: number; problems?: string[] };
  const out: ChildError = { name: err.name, message: err.message };
  if (err.name === 'ApplicationFailure') Object.assign(out, { type: err.type, nonRetryable: err.nonRetryable, problems: (err.details?.[0] as { problems?: string[] } | undefined)?.problems });
  if (err.name === 'ApiError') Object.assign(out, { type: err.code, status: err.status });
  if (err.name === 'IntakeError') Object.assign(out, { type: err.code, problems: err.problems });
  return out;
}

const outcome = await run().then(
  (value) => ({ ok: true as const, value }),
  (e: unknown) => ({ ok: false as const, error: errorOf(e) }),
);
process.stdout.write(`result ${JSON.stringify({ ...outcome, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
