import type { ErrorCode } from '../../contracts/v1';
import { z } from 'zod';
import { sha256Schema, storageKeySchema } from '../../domain/actions';
import { bookSchema } from '../../domain/book';

export const storedObjectSchema = z.object({ key: storageKeySchema, bytes: z.number().int().min(0), sha256: sha256Schema });

export const packageInputSchema = z.object({
  book: bookSchema,
  /** Where intake stored the delivery: `artifactKeys(book).uploads/<uploadId>`. */
  uploadPrefix: storageKeySchema,
  /** Cases counted at inventory; defaults to `book.expectedCases`, else 1..highest number found. */
  expectedCases: z.number().int().min(0).max(100_000).optional(),
});
export type PackageInput = z.input<typeof packageInputSchema>;

/** Kept small: it lands in workflow history. The per-file list is in the manifest. */
export const packageResultSchema = z.object({
  /** Per-case PDFs written (= cases). */
  pdfs: z.number().int(),
  pages: z.number().int(),
  /** Total bytes of the PDFs. */
  bytes: z.number().int(),
  zip: storedObjectSchema,
  manifest: storedObjectSchema,
  checksums: storedObjectSchema,
  /** Files of the delivery that were read (PDFs and page images). */
  files: z.number().int(),
  /** Page findings that only warn the reviewer (the first ones, then a count), when page checks ran. */
  warnings: z.array(z.string()).optional(),
});
export type PackageResult = z.infer<typeof packageResultSchema>;

export const manifestFileSchema = z.object({
  name: z.string(),
  caseNo: z.number().int(),
  key: storageKeySchema,
  pages: z.number().int(),
  bytes: z.number().int(),
  sha256: sha256Schema,
  /** How the case was delivered. */
  from: z.enum(['pdf', 'images']),
});

export const manifestSchema = z.object({
  format: z.literal('sohoa.scans/1'),
  book: z.object({ agencyCode: z.string(), type: z.string(), typeCode: z.string(), bookNo: z.string(), yearFrom: z.number(), yearTo: z.number(), stem: z.string() }),
  uploadPrefix: z.string(),
  expectedCases: z.number().int().nullable(),
  zip: storedObjectSchema.extend({ name: z.string() }),
  checksums: storedObjectSchema,
  totals: z.object({ pdfs: z.number().int(), pages: z.number().int(), bytes: z.number().int(), files: z.number().int() }),
  files: z.array(manifestFileSchema),
  /** Page checks (with the settings they ran with, as JSON) and OCR text, when the province turned them on. */
  quality: storedObjectSchema.extend({ settings: z.string(), findings: z.number().int(), blocking: z.number().int(), warnings: z.array(z.string()) }).optional(),
  ocr: storedObjectSchema.extend({ pages: z.number().int(), meanConfidence: z.number() }).optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** ApplicationFailure type of a delivery that cannot be packaged (non-retryable). */
export const SCANS_INVALID = 'ScansInvalid' satisfies ErrorCode;
