import { z } from 'zod';
import { storageKeySchema } from '../../domain/actions';
import { bookSchema } from '../../domain/book';

/** What the workflow hands to `submitImport`: the book and the keys of its validated files (claim check). */
export const importPackageSchema = z.object({
  workflowId: z.string().min(1).max(200),
  book: bookSchema,
  excelKey: storageKeySchema,
  zipKey: storageKeySchema,
  manifestKey: storageKeySchema,
  /** Rows of the validated Excel (or C06 file): the records the national database should receive. */
  records: z.number().int().min(0).max(1_000_000),
});
export type ImportPackage = z.infer<typeof importPackageSchema>;
export type ImportPackageInput = z.input<typeof importPackageSchema>;

/** The national endpoint's answer (http adapter). */
export const nationalAnswerSchema = z.object({
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0),
  receipt: z.string().min(1).max(500),
  rejections: z.array(z.object({ row: z.number().int().optional(), reason: z.string() })).max(100_000).optional(),
});
export type NationalAnswer = z.infer<typeof nationalAnswerSchema>;

export interface OutboxResult {
  mode: 'outbox';
  /** Folder (store prefix) holding the package the clerk uploads by hand; then `importConfirmed`. */
  packageKey: string;
  files: { key: string; sha256: string; bytes: number }[];
}

export interface HttpResult {
  mode: 'http';
  accepted: number;
  rejected: number;
  receipt: string;
  /** Where the answer is recorded in the store (`…/import/receipt.json`). */
  receiptKey: string;
  idempotencyKey: string;
  /** HTTP attempts made by this call (0 when the recorded answer was reused). */
  attempts: number;
}

export type GatewayResult = OutboxResult | HttpResult;

/** Import into CSDLHTĐT: a package for a clerk (outbox) or a post to a national endpoint (http). */
export interface RegistryGateway {
  readonly mode: 'outbox' | 'http';
  submit(pkg: ImportPackage): Promise<GatewayResult>;
}

/** Folder of a book's import package / answer, beside the book's other artifacts. */
export const importPrefix = (bookPrefix: string) => `${bookPrefix}/import`;
