import { z } from 'zod';

/**
 * Problems found in an uploaded workbook, each with a stable code and a message in Vietnamese
 * (for the clerk) and English (for operators). Bad data is reported, never thrown.
 */
export const problemCodes = [
  // the file
  'fileMissing',
  'emptyFile',
  'notXlsx',
  'tooLarge',
  'noDataSheet',
  'noRows',
  // the header
  'wrongTemplate',
  'missingColumn',
  'misnamedColumn',
  'unknownColumn',
  'misplacedColumn',
  'duplicateColumn',
  // cells
  'required',
  'badDate',
  'partialDate',
  'badCode',
  'badInt',
  'badSo',
  'badQuyenSo',
  'otherBook',
  'yearOutsideBook',
  // cross-checks
  'duplicateCase',
  'rowWithoutPdf',
  'pdfWithoutRow',
  'dateMismatchPdf',
  'tooManyProblems',
] as const;
export type ProblemCode = (typeof problemCodes)[number];
export const problemCodeSchema = z.enum(problemCodes);

export const problemSchema = z.object({
  sheet: z.string(),
  /** 1-based worksheet row; absent for problems of the whole file or of a PDF. */
  row: z.number().int().optional(),
  /** Field key (row 1) of the column. */
  column: z.string().optional(),
  /** A1 reference of the cell, when there is one. */
  cell: z.string().optional(),
  value: z.string().optional(),
  code: problemCodeSchema,
  messageVi: z.string(),
  messageEn: z.string(),
});
export type Problem = z.infer<typeof problemSchema>;

export const SAMPLE_SIZE = 50;

/** Output of validateExcel: small, it goes into workflow history. */
export const excelValidationSchema = z.object({
  ok: z.boolean(),
  /** Data rows read (row 2 onwards, blank rows skipped). */
  rows: z.number().int(),
  problemCount: z.number().int(),
  problemsByCode: z.record(z.string(), z.number().int()),
  /** JSON of every problem (up to MAX_STORED_PROBLEMS), stored beside the workbook. */
  problemsKey: z.string().optional(),
  /** Copy of the workbook with problem cells filled red and commented. */
  annotatedKey: z.string().optional(),
  /** sha256 of the validated workbook, so the workflow can hold the claim check. */
  sha256: z.string().optional(),
  sample: z.array(problemSchema),
});
export type ExcelValidation = z.infer<typeof excelValidationSchema>;

/** Beyond this many, problems are counted but not stored one by one (bounded memory). */
export const MAX_STORED_PROBLEMS = 100_000;

/** Column index (1-based) → letters, for A1 references. */
export function columnLetter(n: number): string {
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
