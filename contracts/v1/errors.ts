import { z } from 'zod';

/**
 * Every refusal and failure the system names, with the HTTP status the API answers it with: the one
 * table from which the workflow's refusals, the activities' non-retryable failures and the API's
 * errors take their codes. A code travels as the `type` of an ApplicationFailure or the `error` of a
 * JSON error body; nothing is recognised by its message.
 */
export const ERRORS = {
  // Requests
  BadRequest: 400,
  InvalidPayload: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  /** An idempotency key sent again with another action or payload than the first time. */
  IdempotencyKeyReused: 409,
  WrongStep: 409,
  BookClosed: 409,
  /** The succession data names no single successor (a split commune, a district): a manager must choose. */
  NeedsDecision: 409,
  /** The book already holds as many unsubmitted uploads as allowed (SOHOA_MAX_DRAFTS_PER_BOOK). */
  TooManyDrafts: 409,
  PayloadTooLarge: 413,
  UriTooLong: 414,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  Internal: 500,
  Unavailable: 503,
  Timeout: 504,
  /** A refusal that is not an error: the action would change nothing (answered 200, unchanged). */
  NoChange: 200,
  // Bad input found by an activity: the step goes back to who submitted it.
  InvalidDelivery: 400,
  ScansInvalid: 400,
  ManifestMissing: 400,
  ManifestInvalid: 400,
  ImportPackageIncomplete: 400,
  InvalidImportPackage: 400,
  InvalidAcceptanceInput: 400,
  NationalRejected: 400,
  NationalAnswerInvalid: 400,
  UnresolvedDifferences: 400,
  BadResolutions: 400,
  BadEntry: 400,
  EntryMissing: 400,
  C06EmptyBatch: 400,
  C06UnreadableBatch: 400,
  C06BadBatchRef: 400,
  C06FileMissing: 400,
} as const;
export type ErrorCode = keyof typeof ERRORS;
export const errorCodes = Object.keys(ERRORS) as ErrorCode[];
export const errorCodeSchema = z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]);

/** Refusals an update validator throws (the failure's `type`). */
export const refusalCodes = ['InvalidPayload', 'Forbidden', 'WrongStep', 'NoChange'] as const satisfies readonly ErrorCode[];
export type RefusalCode = (typeof refusalCodes)[number];

/** One problem: `path` names the field (`body.items.2.bookNo`), the row (`row 14`) or the file. */
export const problemDetailSchema = z.object({ path: z.string(), message: z.string() });
export type ProblemDetail = z.infer<typeof problemDetailSchema>;

export const errorBodySchema = z
  .object({
    error: z.string().describe(`mã lỗi: ${errorCodes.filter((c) => ERRORS[c] >= 400).join(', ')}`),
    message: z.string().describe('thông báo cho người dùng (tiếng Việt)'),
    details: z.array(problemDetailSchema).optional().describe('từng vấn đề: trường, dòng hoặc tệp'),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;
