import type { Client } from '@temporalio/client';
import { Presets, SingleBar } from 'cli-progress';
import type { ImportJobView, JobAccepted } from '../../contracts/v1';
import type { ArtifactStore } from '../../clients/storage/types';
import { bookSchema } from '../../domain/book';
import type { Actor } from '../../domain/actors';
import type { Units } from '../../domain/units';
import { withinOf } from '../../domain/custody';
import { mapLimit } from '../../api/services/pool';
import { demoActor, drive } from './demo';
import { driveStages, inventoryCsv, provinceInventory, type InventoryLine } from './province';

/** The inventory endpoint takes at most this many rows a file (SOHOA_MAX_INVENTORY_ROWS' default). */
const ROWS_PER_FILE = 50_000;

export interface GenerateOptions {
  api: string;
  /** A province manager's token: the import is a manager's. */
  token: string;
  books: number;
  /** Share of the books driven past inventory (spread over the seven later stages). */
  share: number;
  client: Client;
  store: ArtifactStore;
  units: Units;
  seed?: number;
  /** Books driven at once. */
  concurrency?: number;
  progress?: boolean;
}

export interface GenerateResult {
  lines: InventoryLine[];
  created: number;
  existing: number;
  rejected: number;
  importSeconds: number;
  driven: number;
  driveSeconds: number;
}

async function call<T>(o: GenerateOptions, method: string, path: string, body?: string, contentType?: string): Promise<T> {
  const res = await fetch(new URL(path, o.api), { method, headers: { authorization: `Bearer ${o.token}`, ...(contentType ? { 'content-type': contentType } : {}) }, ...(body ? { body } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/**
 * `sohoa demo --books N`: a province-shaped inventory imported through the API's inventory import (the
 * path a manager takes, as files of at most 50,000 rows), then a share of the books driven to each
 * later step with small real files, as the `make up` demo drives its books.
 */
export async function generateProvince(o: GenerateOptions): Promise<GenerateResult> {
  const imported = await importProvince(o);
  return { ...imported, ...(await driveProvince(o, imported.lines)) };
}

/** The inventory, through the API's import. */
export async function importProvince(o: GenerateOptions): Promise<Omit<GenerateResult, 'driven' | 'driveSeconds'>> {
  const lines = provinceInventory(o.units, o.books, o.seed);
  const bar = o.progress ? new SingleBar({ format: 'nhập danh mục [{bar}] {value}/{total} ({percentage}%) {eta_formatted}', hideCursor: true }, Presets.shades_classic) : undefined;
  const out = { lines, created: 0, existing: 0, rejected: 0, importSeconds: 0 };
  const t0 = performance.now();
  bar?.start(lines.length, 0);
  for (let i = 0; i < lines.length; i += ROWS_PER_FILE) {
    const part = lines.slice(i, i + ROWS_PER_FILE);
    const accepted = await call<JobAccepted>(o, 'POST', `/api/registers/import?wait=false&concurrency=16&filename=danh-muc-${i / ROWS_PER_FILE + 1}.csv`, inventoryCsv(part), 'text/csv');
    for (;;) {
      const job = await call<ImportJobView>(o, 'GET', `${accepted.statusUrl}?results=false`);
      bar?.update(i + job.done);
      if (job.state === 'failed') throw new Error(`nhập danh mục lỗi: ${job.error ?? ''}`);
      if (job.state === 'finished') {
        out.created += job.summary.created ?? 0;
        out.existing += job.summary.existing ?? 0;
        out.rejected += job.summary.rejected ?? 0;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  bar?.stop();
  out.importSeconds = (performance.now() - t0) / 1000;
  return out;
}

/** `share` of the books driven through the later steps, `concurrency` at a time. */
export async function driveProvince(o: GenerateOptions, lines: readonly InventoryLine[]): Promise<Pick<GenerateResult, 'driven' | 'driveSeconds'>> {
  const plan = driveStages(lines, o.share);
  const manager: Actor = { ...demoActor('manager', 'province', o.units.provinceCode, 'quanly.tinh'), within: withinOf(o.units, { scope: 'province', agencyCode: o.units.provinceCode }) };
  const actors = { manager, contractor: demoActor('contractor', 'province', o.units.provinceCode, 'nhathau.a'), c06: demoActor('c06', 'province', o.units.provinceCode, 'c06.tinh') };
  const bar = o.progress ? new SingleBar({ format: 'đưa sổ qua các bước [{bar}] {value}/{total} ({percentage}%) {eta_formatted}', hideCursor: true }, Presets.shades_classic) : undefined;
  const out = { driven: 0, driveSeconds: 0 };
  const t0 = performance.now();
  bar?.start(plan.length, 0);
  await mapLimit(plan, o.concurrency ?? 8, async ({ line, stage }) => {
    const agency = o.units.findAgency(line.agencyCode)!;
    const book = bookSchema.parse({ agency, type: line.type, bookNo: line.bookNo, yearFrom: line.yearFrom, yearTo: line.yearTo, expectedCases: line.expectedCases });
    await drive(o.client, o.store, book, stage, actors, o.units);
    out.driven++;
    bar?.increment();
  });
  bar?.stop();
  out.driveSeconds = (performance.now() - t0) / 1000;
  return out;
}
