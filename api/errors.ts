import { z } from 'zod';

/** Error codes of the JSON error body; one per HTTP status the API answers with. */
export const ERROR_CODES = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  500: 'Internal',
  503: 'Unavailable',
  504: 'Timeout',
} as const;
export type HttpStatus = keyof typeof ERROR_CODES;

/** One problem: `path` names the field (`body.items.2.bookNo`), the row (`row 14`) or the file. */
export const problemSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type ProblemDetail = z.infer<typeof problemSchema>;

export const errorBodySchema = z
  .object({
    error: z.string().describe('mã lỗi: BadRequest, Unauthorized, Forbidden, NotFound, Conflict, WrongStep, PayloadTooLarge, UnsupportedMediaType, …'),
    message: z.string().describe('thông báo cho người dùng (tiếng Việt)'),
    details: z.array(problemSchema).optional().describe('từng vấn đề: trường, dòng hoặc tệp'),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An error the API answers as `{ error, message, details }` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: HttpStatus,
    message: string,
    readonly details?: ProblemDetail[],
    readonly code: string = ERROR_CODES[status],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details?: ProblemDetail[]) => new ApiError(400, message, details);
export const unauthorized = (message = 'cần mã truy cập hợp lệ (Authorization: Bearer …)') => new ApiError(401, message);
export const forbidden = (message: string) => new ApiError(403, message);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string, code = 'Conflict') => new ApiError(409, message, undefined, code);

/** zod issues as details, each path prefixed by where it came from (body, querystring, row 12…). */
export function issuesToDetails(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix = ''): ProblemDetail[] {
  return issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(gốc)',
    message: i.message,
  }));
}

/** The error responses every protected route may give, for the OpenAPI document. */
export const commonErrors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
} as const;
