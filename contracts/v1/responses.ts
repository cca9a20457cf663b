import { z } from 'zod';
import { problemDetailSchema } from './errors';
import { scheduleIds } from './schedules';
import { bookStatusSchema, registerSummarySchema } from './status';

/**
 * What the API answers to registrations, actions, jobs, bulk actions, replays, uploads and file lists:
 * the routes declare these as their 200 schemas, the dashboard and the CLI read them as types.
 */

/** One book of a registration (a JSON item or a row of an inventory file). */
export const itemResultSchema = z
  .object({
    index: z.number().int().describe('vị trí trong danh sách (từ 0)'),
    row: z.number().int().optional().describe('dòng trong tệp (khi nhập từ tệp; dòng tiêu đề là 1)'),
    id: z.string().optional().describe('mã sổ (workflow id)'),
    result: z.enum(['created', 'existing', 'rejected']),
    reason: z.string().optional(),
    details: z.array(problemDetailSchema).optional(),
  })
  .meta({ id: 'RegisterResult' });
export type ItemResult = z.infer<typeof itemResultSchema>;

export const resultSummarySchema = z.object({ total: z.number(), created: z.number(), existing: z.number(), rejected: z.number() });
export type ResultSummary = z.infer<typeof resultSummarySchema>;

/** `POST /api/registers` and `POST /api/registers/import` (waiting). */
export const createResponseSchema = z.object({ summary: resultSummarySchema, items: z.array(itemResultSchema) });
export type CreateResponse = z.infer<typeof createResponseSchema>;

/** `GET /api/registers`. */
export const listResponseSchema = z.object({
  items: z.array(registerSummarySchema),
  nextPageToken: z.string().optional().describe('đưa vào pageToken để lấy trang sau'),
  nextOffset: z.number().optional().describe('đưa vào offset để lấy trang sau'),
  total: z.number().optional().describe('tổng số sổ khớp (khi danh sách được sắp xếp hoặc tìm kiếm tại API)'),
  query: z.string().describe('truy vấn visibility đã dùng'),
});
export type ListResponse = z.infer<typeof listResponseSchema>;

/** `POST /api/registers/{id}/actions/{action}`, and the `action` of an upload that submits. */
export const actionResponseSchema = z.object({
  unchanged: z.boolean().describe('true khi thao tác không thay đổi gì (ví dụ đặt lại cùng hạn)'),
  message: z.string().optional(),
  status: bookStatusSchema.optional(),
});
export type ActionResponse = z.infer<typeof actionResponseSchema>;

/** 202 of a long operation (inventory import, bulk action) that runs as a job. */
export const jobAcceptedSchema = z.object({
  jobId: z.string(),
  total: z.number(),
  statusUrl: z.string().describe('GET để xem tiến độ'),
});
export type JobAccepted = z.infer<typeof jobAcceptedSchema>;

/** A job's progress and, once finished, its per-book answers (`RegisterResult` or `BulkResult` by kind). */
export const jobViewSchema = z
  .object({
    jobId: z.string(),
    kind: z.enum(['import', 'bulk']),
    action: z.string().optional(),
    state: z.enum(['running', 'finished', 'failed']),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    total: z.number(),
    done: z.number(),
    summary: z.record(z.string(), z.number()),
    results: z.array(z.looseObject({})).optional().describe('trả lời cho từng sổ/dòng khi công việc xong'),
    error: z.string().optional(),
  })
  .meta({ id: 'Job' });
export type JobView = z.infer<typeof jobViewSchema>;

/** An inventory import as its client polls it: the same view, its results read as registration results. */
export const importJobViewSchema = jobViewSchema.extend({ results: z.array(itemResultSchema).optional() });
export type ImportJobView = z.infer<typeof importJobViewSchema>;

export const bulkResultSchema = z
  .object({
    id: z.string(),
    result: z.enum(['done', 'unchanged', 'refused']),
    code: z.string().optional().describe('khi refused: Forbidden, WrongStep, InvalidPayload, NotFound, …'),
    reason: z.string().optional(),
  })
  .meta({ id: 'BulkResult' });
export type BulkResult = z.infer<typeof bulkResultSchema>;

export const bulkSummarySchema = z.object({ total: z.number(), done: z.number(), unchanged: z.number(), refused: z.number() });
export type BulkSummary = z.infer<typeof bulkSummarySchema>;

/** `POST /api/bulk/{action}?wait=true`. */
export const bulkResponseSchema = z.object({ jobId: z.string(), summary: bulkSummarySchema, results: z.array(bulkResultSchema) });
export type BulkResponse = z.infer<typeof bulkResponseSchema>;

/** A bulk job as its client polls it: the same view, its results read as bulk results. */
export const bulkJobViewSchema = jobViewSchema.extend({ results: z.array(bulkResultSchema).optional() });
export type BulkJobView = z.infer<typeof bulkJobViewSchema>;

/** A run of a book replayed with the current workflow code. */
export const replayResultSchema = z.object({
  id: z.string(),
  runId: z.string(),
  result: z.enum(['ok', 'nonDeterministic', 'error']),
  error: z.string().optional().describe('điểm không tất định tìm thấy, hoặc lỗi'),
});
export type ReplayResult = z.infer<typeof replayResultSchema>;

/** `POST /api/audit/replay`. */
export const replayResponseSchema = z.object({
  summary: z.object({ total: z.number(), ok: z.number(), nonDeterministic: z.number(), error: z.number() }),
  results: z.array(replayResultSchema),
});
export type ReplayResponse = z.infer<typeof replayResponseSchema>;

/** `PUT /api/registers/{id}/scans`: where the files went; `action` when it also submitted them. */
export const scansUploadResponseSchema = z.object({
  uploadId: z.string(),
  uploadPrefix: z.string(),
  files: z.number(),
  bytes: z.number(),
  action: actionResponseSchema.optional(),
});
export type ScansUploadResponse = z.infer<typeof scansUploadResponseSchema>;

/** `PUT /api/registers/{id}/excel`: the stored workbook; `action` when it also submitted it. */
export const excelUploadResponseSchema = z.object({ excelKey: z.string(), sha256: z.string(), bytes: z.number(), action: actionResponseSchema.optional() });
export type ExcelUploadResponse = z.infer<typeof excelUploadResponseSchema>;

/** `GET /api/registers/{id}/files`: every file of the book in the store. */
export const storedFilesResponseSchema = z.object({ items: z.array(z.object({ key: z.string(), bytes: z.number(), sha256: z.string() })) });
export type StoredFilesResponse = z.infer<typeof storedFilesResponseSchema>;

/** A run a schedule started: when, which workflow, how it ended and what it did. */
export const scheduleRunSchema = z.object({
  at: z.string().describe('lúc bắt đầu'),
  workflowId: z.string(),
  status: z.enum(['running', 'completed', 'failed', 'canceled', 'terminated', 'timedOut', 'unknown']),
  result: z.string().optional().describe('kết quả (số thông báo, số tệp) hoặc lỗi'),
});
export type ScheduleRun = z.infer<typeof scheduleRunSchema>;

/** One Temporal Schedule as managers and auditors see it (`GET /api/schedules`). */
export const scheduleViewSchema = z
  .object({
    id: z.enum(scheduleIds),
    label: z.string(),
    description: z.string().describe('lịch chạy, ví dụ "Hằng ngày lúc 07:30 (giờ Asia/Ho_Chi_Minh)"'),
    timeZone: z.string(),
    paused: z.boolean(),
    note: z.string().optional().describe('ghi chú của lịch: ai tạm dừng, tiếp tục hay chạy ngay, lúc nào, vì sao'),
    lastRun: scheduleRunSchema.nullable(),
    nextRuns: z.array(z.string()).describe('các lần chạy tới'),
    actionsTaken: z.number().describe('số lần đã chạy (cả chạy ngay)'),
  })
  .meta({ id: 'Schedule' });
export type ScheduleView = z.infer<typeof scheduleViewSchema>;

export const schedulesResponseSchema = z.object({ items: z.array(scheduleViewSchema) });
export type SchedulesResponse = z.infer<typeof schedulesResponseSchema>;

/** The body of `POST /api/schedules/{id}/pause|unpause|trigger`: the reason, kept in the schedule's note. */
export const scheduleActionRequestSchema = z.object({ note: z.string().trim().max(500).optional().describe('lý do (ghi vào ghi chú của lịch)') });
export type ScheduleActionRequest = z.infer<typeof scheduleActionRequestSchema>;
export const scheduleActions = ['pause', 'unpause', 'trigger'] as const;
export type ScheduleAction = (typeof scheduleActions)[number];
