import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { BookMemo, RegisterSummary } from '../../contracts/v1';
import { MEMO_KEYS, PUBLISHED_MEMO_KEYS } from '../../domain/memo';
import { SA } from '../../workflows/definitions';

/** One page of list lines (or of what `map` makes of each execution) and the token of the next (base64url of Temporal's own page token). */
export interface Page<T = RegisterSummary> {
  items: T[];
  nextPageToken?: string;
}
export type SummaryPage = Page<RegisterSummary>;

type Mapper<T> = (info: WorkflowExecutionInfo) => T;

/**
 * Rows one request asks for: a book of code version 2 carries its status in its memo (up to about
 * 4 kB), and a response must stay under gRPC's 4 MB. A longer page takes several requests.
 */
const ROWS_PER_REQUEST = 500;

/** The memo keys of a book's status (`status`, `status.history`, `status.files`): no list line reads them. */
const STATUS_MEMO_KEYS = PUBLISHED_MEMO_KEYS.filter((k) => !(MEMO_KEYS as readonly string[]).includes(k));

/**
 * Books as visibility lists them (search attributes and memo), one page of a query, in the server's
 * own order (newest first). Shared by the API's lists and reports, its read model and the scheduled activities.
 */
export async function listPage<T = RegisterSummary>(client: Client, query: string, pageSize: number, pageToken?: string, map: Mapper<T> = summaryOf as Mapper<T>): Promise<Page<T>> {
  const namespace = client.options.namespace;
  const items: T[] = [];
  let token = pageToken;
  do {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace,
      query,
      pageSize: Math.min(ROWS_PER_REQUEST, pageSize - items.length),
      nextPageToken: token ? Buffer.from(token, 'base64url') : undefined,
    });
    // A list line never reads the status a book keeps in its memo (most of the memo): left undecoded.
    for (const raw of response.executions) for (const k of STATUS_MEMO_KEYS) delete raw.memo?.fields?.[k];
    const infos = await Promise.all(response.executions.map((raw) => executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, namespace)));
    items.push(...infos.map((i) => map(i as WorkflowExecutionInfo)));
    token = response.nextPageToken && response.nextPageToken.length ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
  } while (token && items.length < pageSize);
  return { items, ...(token ? { nextPageToken: token } : {}) };
}

/** Every book matching a query, page after page (up to `limit`); `onPage` hears the count so far. */
export async function listAll<T = RegisterSummary>(client: Client, query: string, limit = 200_000, onPage?: (listed: number) => void, map?: Mapper<T>, pageSize = 1000): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await listPage(client, query, pageSize, token, map);
    out.push(...page.items);
    token = page.nextPageToken;
    onPage?.(out.length);
  } while (token && out.length < limit);
  return out;
}

/**
 * A list line from search attributes and memo. A book that follows the province plan has as `deadline`
 * its extension alone (or none): `summaryUnderPlan` (domain/planDeadline.ts) gives the plan's.
 */
export function summaryOf(i: WorkflowExecutionInfo): RegisterSummary {
  const sa = i.typedSearchAttributes;
  const memo = (i.memo ?? {}) as Partial<BookMemo>;
  const deadline = sa.get(SA.deadline);
  return {
    id: i.workflowId,
    runId: i.runId,
    executionStatus: i.status.name,
    startedAt: i.startTime.toISOString(),
    closedAt: i.closeTime ? i.closeTime.toISOString() : null,
    agencyCode: sa.get(SA.agency) ?? null,
    agencyName: memo.agencyName ?? null,
    districtCode: sa.get(SA.district) ?? null,
    custodianKey: memo.custodian?.key ?? sa.get(SA.agency) ?? null,
    custodianName: memo.custodian?.name ?? memo.agencyName ?? null,
    handedOver: !!sa.get(SA.custody)?.length,
    level: (sa.get(SA.level) as RegisterSummary['level']) ?? null,
    type: (sa.get(SA.registerType) as RegisterSummary['type']) ?? null,
    typeCode: memo.typeCode ?? null,
    period: (sa.get(SA.period) as RegisterSummary['period']) ?? null,
    bookNo: memo.bookNo ?? null,
    yearFrom: sa.get(SA.yearFrom) ?? null,
    yearTo: memo.yearTo ?? null,
    title: memo.title ?? null,
    step: (sa.get(SA.step) as RegisterSummary['step']) ?? null,
    phase: memo.phase ?? null,
    phaseSince: memo.phaseSince ?? null,
    overdue: sa.get(SA.overdue) ?? false,
    awaitingHuman: sa.get(SA.awaitingHuman) ?? false,
    deadline: deadline ? deadline.toISOString() : null,
    followsPlan: sa.get(SA.deadlineFrom) === 'plan',
    priority: sa.get(SA.priority) ?? memo.priority ?? null,
    recordCount: sa.get(SA.recordCount) ?? null,
    counts: (memo.counts ?? {}) as RegisterSummary['counts'],
    pendingActions: i.status.name === 'RUNNING' ? ((memo.pendingActions as string[] | undefined) ?? []) : [],
    openProblems: memo.openProblems ?? 0,
    updatedAt: memo.updatedAt ?? null,
    failing: (sa.get(SA.failing) && memo.failing) || null,
  };
}
