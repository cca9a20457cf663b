import type { PageFinding } from '../../contracts/v1/quality';

/** Warnings carried in the activity's result (it lands in history): the first ones, then how many more. */
const LISTED = 20;

export function warningsOf(findings: PageFinding[]): string[] {
  const warn = findings.filter((f) => !f.blocking).map((f) => f.message);
  if (warn.length <= LISTED) return warn;
  return [...warn.slice(0, LISTED), `… và ${warn.length - LISTED} cảnh báo khác về trang (xem báo cáo chất lượng quality.json)`];
}
