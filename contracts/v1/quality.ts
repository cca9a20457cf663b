import { z } from 'zod';

/** What the machine can find wrong with a scanned page (the configuration says which block a delivery). */
export const pageFindingCodes = ['lowResolution', 'blank', 'dark', 'washedOut', 'rotated', 'skewed', 'duplicate'] as const;
export const pageFindingCodeSchema = z.enum(pageFindingCodes);
export type PageFindingCode = z.infer<typeof pageFindingCodeSchema>;

/** One finding on one page of one case; `message` in Vietnamese names the case, the page and why. */
export const pageFindingSchema = z.object({
  case: z.string(),
  caseNo: z.number().int(),
  /** 1-based, within the case. */
  page: z.number().int().min(1),
  code: pageFindingCodeSchema,
  blocking: z.boolean(),
  message: z.string(),
});
export type PageFinding = z.infer<typeof pageFindingSchema>;

/** A hit of the search inside a book's recognised text. */
export const pageHitSchema = z.object({
  case: z.string(),
  caseNo: z.number().int(),
  page: z.number().int().min(1),
  /** The line that matched, as recognised. */
  line: z.string(),
  confidence: z.number(),
});
export const pageSearchResponseSchema = z.object({ query: z.string(), hits: z.array(pageHitSchema), truncated: z.boolean() });
export type PageSearchResponse = z.infer<typeof pageSearchResponseSchema>;

/** The pages checked in a book, in order, each with its findings (the reviewer's page view). */
export const pageListResponseSchema = z.object({
  pages: z.array(z.object({ case: z.string(), caseNo: z.number().int(), page: z.number().int(), image: z.boolean(), findings: z.array(pageFindingSchema) })),
});
export type PageListResponse = z.infer<typeof pageListResponseSchema>;
