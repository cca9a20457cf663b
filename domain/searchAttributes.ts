import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
} as const;

/** `--search-attribute` values for `temporal server start-dev` and `temporal operator search-attribute create`. */
export const SEARCH_ATTRIBUTE_REGISTRATION: Record<string, string> = Object.fromEntries(
  Object.values(SA).map((k) => [
    k.name,
    { KEYWORD: 'Keyword', BOOL: 'Bool', DATETIME: 'Datetime', INT: 'Int' }[k.type as 'KEYWORD' | 'BOOL' | 'DATETIME' | 'INT'],
  ]),
);
