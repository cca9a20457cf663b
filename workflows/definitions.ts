import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair, type UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { actionNames, type ActionName, type ActionRequest } from '../contracts/v1/commands';
import type { ProvincePlan, SetProvinceDeadline } from '../contracts/v1/plan';
import type { BookStatusV1 } from '../contracts/v1/status';
import type { Actor } from '../contracts/v1/values';
import { bookPeriod } from '../domain/book';
import { awaitingHuman, type BookState } from '../domain/bookState';

/**
 * The Temporal definitions of the contract, in the one file that knows Temporal: the workflow and the
 * API both import their queries, updates and search attributes from here.
 */
export { TASK_QUEUE, WORKFLOW_TYPE } from '../contracts/v1/workflow';

export const statusQuery = defineQuery<BookStatusV1>('status');

/** The province plan's workflow: its state, and the move of its deadline (by a province manager). */
export const planQuery = defineQuery<ProvincePlan>('plan');
export const setProvinceDeadline = defineUpdate<ProvincePlan, [{ actor: Actor; payload: SetProvinceDeadline }]>('setProvinceDeadline');

/** One update per human action, named as the action; each carries the actor and returns the new status. */
export const actionUpdates = Object.fromEntries(actionNames.map((a) => [a, defineUpdate<BookStatusV1, [ActionRequest]>(a)])) as Record<
  ActionName,
  UpdateDefinition<BookStatusV1, [ActionRequest]>
>;

/** Search attributes (contract). SQL visibility allows 3 Int, 3 Bool, 3 Datetime, 10 Keyword per namespace. */
export const SA = {
  agency: defineSearchAttributeKey('SohoaAgency', SearchAttributeType.KEYWORD),
  district: defineSearchAttributeKey('SohoaDistrict', SearchAttributeType.KEYWORD),
  level: defineSearchAttributeKey('SohoaLevel', SearchAttributeType.KEYWORD),
  registerType: defineSearchAttributeKey('SohoaRegisterType', SearchAttributeType.KEYWORD),
  period: defineSearchAttributeKey('SohoaPeriod', SearchAttributeType.KEYWORD),
  step: defineSearchAttributeKey('SohoaStep', SearchAttributeType.KEYWORD),
  overdue: defineSearchAttributeKey('SohoaOverdue', SearchAttributeType.BOOL),
  awaitingHuman: defineSearchAttributeKey('SohoaAwaitingHuman', SearchAttributeType.BOOL),
  deadline: defineSearchAttributeKey('SohoaDeadline', SearchAttributeType.DATETIME),
  yearFrom: defineSearchAttributeKey('SohoaYearFrom', SearchAttributeType.INT),
  recordCount: defineSearchAttributeKey('SohoaRecordCount', SearchAttributeType.INT),
  /** Ours, beside the contract's: lets lists sort by a manager's priority (the third Int). */
  priority: defineSearchAttributeKey('SohoaPriority', SearchAttributeType.INT),
  /** Ours: the book's automatic step keeps failing (the third Bool), so the stuck list is one query. */
  failing: defineSearchAttributeKey('SohoaFailing', SearchAttributeType.BOOL),
  /**
   * Ours: the jurisdiction keys of the unit holding the book after a handover (its key first), so
   * lists by jurisdiction stay one query; absent while the registering agency holds it.
   */
  custody: defineSearchAttributeKey('SohoaCustody', SearchAttributeType.KEYWORD_LIST),
  /**
   * Ours: when the book last published a change (workflow time), so the API's read model fetches only
   * the books changed since its last look instead of listing the province again.
   */
  updatedAt: defineSearchAttributeKey('SohoaUpdatedAt', SearchAttributeType.DATETIME),
  /**
   * Ours: `plan` while the book follows the province plan's deadline (SohoaDeadline then holds its
   * extension alone, and overdue is counted from the plan's deadline: clients/temporal/visibilityQuery.ts),
   * `book` once it has its own; absent in books started before.
   */
  deadlineFrom: defineSearchAttributeKey('SohoaDeadlineFrom', SearchAttributeType.KEYWORD),
} as const;

/** `--search-attribute` values for `temporal server start-dev` and `temporal operator search-attribute create`. */
export const SEARCH_ATTRIBUTE_REGISTRATION: Record<string, string> = Object.fromEntries(
  Object.values(SA).map((k) => [
    k.name,
    { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', BOOL: 'Bool', DATETIME: 'Datetime', INT: 'Int' }[k.type as 'KEYWORD' | 'KEYWORD_LIST' | 'BOOL' | 'DATETIME' | 'INT'],
  ]),
);

/** Search attribute values of a book: what lists and counts filter on. */
export function searchAttributesOf(s: BookState): SearchAttributePair[] {
  return [
    { key: SA.agency, value: s.book.agency.code },
    { key: SA.district, value: s.book.agency.districtCode },
    { key: SA.level, value: s.book.agency.level },
    { key: SA.registerType, value: s.book.type },
    { key: SA.period, value: bookPeriod(s.book).period },
    { key: SA.step, value: s.step },
    { key: SA.overdue, value: s.overdue },
    { key: SA.awaitingHuman, value: awaitingHuman(s) },
    ...(s.followsPlan ? (s.extendedDeadline ? [{ key: SA.deadline, value: new Date(s.extendedDeadline) }] : []) : [{ key: SA.deadline, value: new Date(s.deadline) }]),
    { key: SA.yearFrom, value: s.book.yearFrom },
    { key: SA.recordCount, value: s.counts.inventoryCases ?? 0 },
    { key: SA.priority, value: s.priority },
    // Only books that ever failed carry it: older histories keep their exact upserts.
    ...(s.failing === undefined ? [] : [{ key: SA.failing, value: s.failing !== null }]),
    ...(s.custodian === undefined ? [] : [{ key: SA.custody, value: s.custodian.scopes }]),
    ...(s.followsPlan === undefined ? [] : [{ key: SA.deadlineFrom, value: s.followsPlan ? 'plan' : 'book' }]),
  ] as SearchAttributePair[];
}
