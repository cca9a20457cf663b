import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { ERRORS, errorBodySchema, type ErrorCode, type ProblemDetail } from '../contracts/v1';

export { errorBodySchema, type ErrorBody, type ProblemDetail } from '../contracts/v1';

/** The generic code of an HTTP status the API answers without a code of its own (fastify's errors). */
export function codeOfStatus(status: number): ErrorCode {
  const generic: ErrorCode[] = ['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'MethodNotAllowed', 'Conflict', 'PayloadTooLarge', 'UriTooLong', 'UnsupportedMediaType', 'TooManyRequests', 'Internal', 'Unavailable', 'Timeout'];
  return generic.find((c) => ERRORS[c] === status) ?? (status >= 500 ? 'Internal' : 'BadRequest');
}

/** An error the API answers as `{ error, message, details }`, its status from the contract's table. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ProblemDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERRORS[code];
  }
}

export const badRequest = (message: string, details?: ProblemDetail[]) => new ApiError('BadRequest', message, details);
export const unauthorized = (message = 'cần mã truy cập hợp lệ (Authorization: Bearer …)') => new ApiError('Unauthorized', message);
export const forbidden = (message: string) => new ApiError('Forbidden', message);
export const notFound = (message: string) => new ApiError('NotFound', message);
export const conflict = (message: string, code: ErrorCode = 'Conflict') => new ApiError(code, message);

/** An activity's bad-input failure run in the API (an intake, a comparison) as an API error with its own code. */
export function fromFailure(e: ApplicationFailure, path: string): ApiError {
  const code = e.type && e.type in ERRORS ? (e.type as ErrorCode) : 'BadRequest';
  return new ApiError(code, e.message, [{ path, message: e.message }]);
}

/** zod issues as details, each path prefixed by where it came from (body, querystring, row 12…). */
export function issuesToDetails(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix = ''): ProblemDetail[] {
  return issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(gốc)',
    message: i.message,
  }));
}

/**
 * The error responses every protected route may give, for the OpenAPI document: bad input, no or a
 * bad token, not allowed, a path parameter too long for the router, too many failed sign-ins.
 */
export const commonErrors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  414: errorBodySchema,
  429: errorBodySchema,
} as const;

/** A file answered as it is (a Buffer or a stream, never serialised): its media types for the OpenAPI document. */
export function download(description: string, types: readonly string[]) {
  const file = z.string().meta({ format: 'binary' });
  return { description, content: Object.fromEntries(types.map((t) => [t, { schema: file }])) };
}
