import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/**
 * Characters no text from a client may hold: C0 controls but tab, line feed and carriage return
 * (NUL among them), DEL and the C1 controls, and the bidirectional embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069) that make a reason or a file name read otherwise than it is.
 */
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Adds an issue, at the string's path, for each string holding an unsafe character. */
function checkText(value: unknown, ctx: z.core.$RefinementCtx, path: PropertyKey[] = []): void {
  if (typeof value === 'string') {
    const m = UNSAFE.exec(value);
    if (m) ctx.addIssue({ code: 'custom', path, input: value, message: `có ký tự điều khiển hoặc ký tự đổi chiều văn bản (${codePoint(m[0])}), không được phép` });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkText(v, ctx, [...path, i]));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkText(v, ctx, [...path, k]);
  }
}

/**
 * The zod validator of every route, refusing unsafe characters in any string of the body, query,
 * params or headers with a 400 that names the field (`body.reason: …`): checked at the API, so the
 * contracts bundled into the workflow stay as they are.
 */
export const safeTextValidatorCompiler: typeof validatorCompiler = (route) =>
  validatorCompiler({ ...route, schema: (route.schema as z.ZodType).superRefine((v, ctx) => checkText(v, ctx)) });
