import { badInput } from '../failures';
import { z } from 'zod';
import { compareCounts, manifestFigures, type AcceptanceResult, type ManifestFigures } from '../../domain/acceptance';
import { storageKeySchema } from '../../domain/actions';
import { bookSchema } from '../../domain/book';
import { describeIssues } from '../../domain/bookState';
import { bookPrefix } from '../../domain/naming';
import { isNotFound } from '../../clients/storage/errors';
import type { ArtifactStore } from '../../clients/storage/types';

const count = z.number().int().min(0).optional();
export const acceptanceInputSchema = z.object({
  book: bookSchema,
  /** The book's `status.counts`. */
  counts: z.object({
    inventoryCases: count,
    inventoryPages: count,
    pdfs: count,
    pages: count,
    bytes: count,
    excelRows: count,
    c06Rows: count,
    imported: count,
    importFailed: count,
    manualEntered: count,
  }),
  /** The scan manifest: its PDFs and pages are compared too. */
  manifestKey: storageKeySchema.optional(),
});
export type AcceptanceInput = z.input<typeof acceptanceInputSchema>;
export type AcceptanceOutput = AcceptanceResult & { reportKey: string };

export const acceptanceReportKey = (book: Parameters<typeof bookPrefix>[0]) => `${bookPrefix(book)}/acceptance/acceptance.json`;

export function createAcceptanceActivities(deps: { store: ArtifactStore }) {
  async function readManifest(key: string): Promise<ManifestFigures | null> {
    let buf: Buffer;
    try {
      buf = await deps.store.getBuffer(key);
    } catch (e) {
      if (isNotFound(e)) return null; // a missing manifest is a finding of the acceptance, not a crash
      throw e;
    }
    try {
      return manifestFigures(JSON.parse(buf.toString('utf8'))) ?? null;
    } catch {
      return null;
    }
  }

  return {
    /**
     * Compares the inventory's cases and pages, the manifest's PDFs and pages, the data rows (Excel,
     * C06 or entered by hand) and the imported count; lists every mismatch for the reviewer, and
     * stores the result beside the book (`…/acceptance/acceptance.json`).
     */
    async computeAcceptance(input: AcceptanceInput): Promise<AcceptanceOutput> {
      const parsed = acceptanceInputSchema.safeParse(input);
      if (!parsed.success) throw badInput('InvalidAcceptanceInput', `dữ liệu nghiệm thu không hợp lệ: ${describeIssues(parsed.error)}`);
      const { book, counts, manifestKey } = parsed.data;
      const manifest = manifestKey === undefined ? undefined : await readManifest(manifestKey);
      const result = compareCounts(book, counts, manifest);
      const reportKey = acceptanceReportKey(book);
      await deps.store.put(reportKey, JSON.stringify({ book, manifestKey, ...result }, null, 2), { contentType: 'application/json' });
      return { ...result, reportKey };
    },
  };
}
export type AcceptanceActivities = ReturnType<typeof createAcceptanceActivities>;
