import { z } from 'zod';

/**
 * Values every contract is made of: what a book is, its counts, files and problems, and who acts.
 * Wire shapes only (zod, nothing else imported): the rules that read them live in `domain/`.
 */

export const agencyLevels = ['province', 'district', 'commune'] as const;
export const agencyLevelSchema = z.enum(agencyLevels);
export type AgencyLevel = z.infer<typeof agencyLevelSchema>;

/** Statistics codes: province 2 digits, district 3, commune 5 (the Sở Tư pháp carries the province code as its district). */
export const agencySchema = z.object({
  code: z.string().regex(/^\d{2,5}$/, 'mã đơn vị phải là mã thống kê 2–5 chữ số'),
  name: z.string().min(2).max(200),
  level: agencyLevelSchema,
  districtCode: z.string().regex(/^\d{2,3}$/, 'mã huyện phải là 2–3 chữ số'),
  provinceCode: z.string().regex(/^\d{2}$/, 'mã tỉnh phải là 2 chữ số'),
});
export type Agency = z.infer<typeof agencySchema>;

export const registerTypes = ['birth', 'marriage', 'death', 'adoption', 'parentChild', 'maritalStatus', 'guardianship', 'guardianshipEnd', 'divorceNote', 'change'] as const;
export const registerTypeSchema = z.enum(registerTypes);
export type RegisterType = z.infer<typeof registerTypeSchema>;

/** Legal periods (nhóm sổ), newest first. */
export const periodIds = ['p2016', 'p2006', 'p1999', 'p1976', 'pre1976'] as const;
export const periodSchema = z.enum(periodIds);
export type Period = z.infer<typeof periodSchema>;

export const steps = ['inventory', 'scan', 'excel', 'c06', 'manualEntry', 'import', 'acceptance', 'done', 'withdrawn'] as const;
export const stepSchema = z.enum(steps);
export type Step = z.infer<typeof stepSchema>;

export const phases = ['work', 'processing', 'review', 'closed'] as const;
export const phaseSchema = z.enum(phases);
export type Phase = z.infer<typeof phaseSchema>;

export const roles = ['admin', 'manager', 'clerk', 'contractor', 'c06', 'auditor'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const jurisdictionLevels = ['province', 'district', 'agency'] as const;
export type JurisdictionLevel = (typeof jurisdictionLevels)[number];

/**
 * A unit's key: a legacy unit (before 1/7/2025) by its statistics code ("49", "502", "20335"), a unit
 * of the two-level government from 1/7/2025 by "n" and its code ("n48", "n20194"): the 2025 codes
 * reuse legacy ones, so a code alone cannot say which unit it is.
 */
export const unitKeySchema = z.string().regex(/^n?\d{2,5}$/, 'mã đơn vị là mã thống kê 2–5 chữ số, đơn vị sau 1/7/2025 thêm "n" phía trước (ví dụ n20194)');

/**
 * Jurisdiction keys: a unit's own key, "d:{district}" for a (legacy) district, "p:{province}" for a
 * province ("p:49", "p:n48"). A unit that holds books lists the keys that cover it; a person acts on
 * the books whose holder lists one of theirs.
 */
export const scopeKeySchema = z.string().regex(/^(?:[dp]:)?n?\d{2,5}$/, 'khóa phạm vi: mã đơn vị, d:{huyện} hoặc p:{tỉnh}');

/** Who acts: the API sets it from the bearer token; the workflow checks it again. */
export const actorSchema = z.object({
  userId: z.string().min(1).max(100),
  role: roleSchema,
  scope: z.enum(jurisdictionLevels),
  agencyCode: unitKeySchema,
  name: z.string().max(200).optional(),
  /**
   * The jurisdiction keys the actor acts in when they are more than its own (a 2025 province also acts
   * for the provinces merged into it), as the API resolved them from the units.
   */
  within: z.array(scopeKeySchema).max(20).optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const unitEras = ['legacy', '2025'] as const;

/**
 * The unit that holds a book: at first the agency that registered it; from the 2025 reorganisation the
 * commune (or province) that took it over. `scopes` are the jurisdiction keys that cover it.
 */
export const custodianSchema = z.object({
  key: unitKeySchema,
  name: z.string().min(2).max(200),
  level: agencyLevelSchema,
  era: z.enum(unitEras),
  scopes: z.array(scopeKeySchema).min(1).max(10),
});
export type Custodian = z.infer<typeof custodianSchema>;

export const isoDateTime = z.iso.datetime({ offset: true, message: 'phải là thời điểm ISO 8601, ví dụ 2025-03-12T00:00:00+07:00' });

/** Storage keys the API handed out: relative, no `..`, no leading slash. */
export const storageKeySchema = z
  .string()
  .min(1)
  .max(500)
  .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\p{L}\p{N}._\-/ ]+$/u, 'khóa lưu trữ không hợp lệ');
export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 phải là 64 ký tự hex');

const BOOK_ID = /^reg-(\d{2,5})-([A-Z]{2,4})-(\d{2,4}[A-Z]?)-(\d{4})$/;
/**
 * A book's workflow id, `reg-{agencyCode}-{typeCode}-{bookNo}-{yearFrom}`, read into its parts: answers
 * that carry only ids (bulk and replay results) can still name the book.
 */
export const bookIdSchema = z
  .string()
  .regex(BOOK_ID, 'mã sổ có dạng reg-{mã đơn vị}-{mã loại}-{quyển}-{năm}')
  .transform((id) => {
    const [, agencyCode = '', typeCode = '', bookNo = '', yearFrom] = BOOK_ID.exec(id) ?? [];
    return { agencyCode, typeCode, bookNo, yearFrom: Number(yearFrom) };
  });

/** One physical register book as stored and sent (the input rules that normalise it are in domain/book.ts). */
export const bookSchema = z.object({
  agency: agencySchema,
  type: registerTypeSchema,
  bookNo: z.string(),
  yearFrom: z.number().int(),
  yearTo: z.number().int(),
  /** Cases the inventory expects, if known before the inventory step. */
  expectedCases: z.number().int().min(0).max(100_000).optional(),
  note: z.string().max(500).optional(),
});
export type Book = z.infer<typeof bookSchema>;

export const countsSchema = z.object({
  inventoryCases: z.number().optional(),
  inventoryPages: z.number().optional(),
  pdfs: z.number().optional(),
  pages: z.number().optional(),
  bytes: z.number().optional(),
  excelRows: z.number().optional(),
  c06Rows: z.number().optional(),
  imported: z.number().optional(),
  importFailed: z.number().optional(),
  manualEntered: z.number().optional(),
});
export type Counts = z.infer<typeof countsSchema>;

export const artifactKinds = ['upload', 'zip', 'manifest', 'checksums', 'excel', 'excelProblems', 'excelAnnotated', 'c06Batch', 'importPackage', 'importReceipt', 'acceptance'] as const;
/** A file of the book in the store: workflows carry its key and checksum, never its bytes. */
export const artifactSchema = z.object({
  kind: z.enum(artifactKinds),
  key: z.string(),
  sha256: z.string().optional(),
  bytes: z.number().optional(),
  at: z.string(),
});
export type Artifact = z.infer<typeof artifactSchema>;

export const problemSchema = z.object({ step: stepSchema, code: z.string(), message: z.string(), at: z.string() });
export type Problem = z.infer<typeof problemSchema>;

const stamp = { userId: z.string(), role: roleSchema, agencyCode: z.string(), at: z.string() };
export const actorStampSchema = z.object(stamp);
export type ActorStamp = z.infer<typeof actorStampSchema>;

export const reviewSchema = z.object({
  ...stamp,
  step: stepSchema,
  decision: z.enum(['approved', 'rejected']),
  note: z.string().optional(),
  reasons: z.array(z.string()).optional(),
  backTo: stepSchema.optional(),
});
export type Review = z.infer<typeof reviewSchema>;

/** A change of the unit that holds the book, with who decided it and why. */
export const handoverSchema = z.object({
  ...stamp,
  from: custodianSchema.pick({ key: true, name: true }),
  to: custodianSchema.pick({ key: true, name: true }),
  reason: z.string(),
});
export type Handover = z.infer<typeof handoverSchema>;

/** A person's note on a book, at the step it was at. */
export const noteSchema = z.object({ ...stamp, step: stepSchema, text: z.string() });
export type Note = z.infer<typeof noteSchema>;

/** An automatic step whose activity keeps failing: what, since when, how often, and the last error. */
export const failingSchema = z.object({
  step: stepSchema,
  activity: z.string(),
  attempts: z.number(),
  lastError: z.string(),
  since: z.string(),
  retryAt: z.string(),
});
export type Failing = z.infer<typeof failingSchema>;

export const noticeKinds = ['deadlineReminder', 'overdue', 'waitingReminder', 'overdueDigest', 'weeklyReport'] as const;

/**
 * A notice written to the outbox that the API shows: a book's reminder (one book), an agency's daily
 * digest of its overdue books (a list of books), or a district's weekly report (a file in the store).
 */
export const noticeSchema = z.object({
  id: z.string(),
  kind: z.enum(noticeKinds),
  /** The book a reminder is about. */
  workflowId: z.string().optional(),
  /** The books a digest lists. */
  workflowIds: z.array(z.string()).optional(),
  /** The unit holding the book(s) when the notice was written, and its district and province (keys). */
  agencyCode: z.string(),
  districtCode: z.string(),
  provinceCode: z.string(),
  /** The book's step (reminders only). */
  step: z.string().optional(),
  message: z.string(),
  /** The file a report notice names, in the artifact store. */
  file: z.object({ key: z.string(), sha256: z.string(), bytes: z.number() }).optional(),
  createdAt: z.string(),
});
export type Notice = z.infer<typeof noticeSchema>;
