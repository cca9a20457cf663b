import type { Client } from '@temporalio/client';
import type { Agency, OverdueDigestInput, OverdueDigestResult, RegisterSummary, ScheduledRun, WeeklyReportInput, WeeklyReportResult } from '../../contracts/v1';
import { progressBy } from '../../domain/progress';
import { localDay, overdueDigestNotice, planReminderNotice, weeklyReportKey, weeklyReportNotice } from '../../domain/schedules';
import type { Units } from '../../domain/units';
import type { FileOutbox } from '../../clients/outbox';
import type { ArtifactStore } from '../../clients/storage/types';
import { BASE_CLAUSES, overdueClause, quote } from '../../clients/temporal/visibilityQuery';
import { listAll } from '../../clients/temporal/visibility';
import { readPlan } from '../../clients/temporal/plan';
import { SA } from '../../workflows/definitions';
import { daysLeft } from '../../domain/bookState';
import { summaryUnderPlan, type PlanNow } from '../../domain/planDeadline';
import { heartbeat } from '../heartbeat';
import { buildWeeklyWorkbook } from './weeklyWorkbook';

export interface ScheduleActivityDeps {
  store: ArtifactStore;
  outbox: FileOutbox;
  /** For visibility lists of the books (search attributes and memo, no query per book). */
  temporal: Client;
  units: Units;
  /** The configured plan deadline: the plan's until its workflow runs (clients/temporal/plan.ts). */
  planDeadline: string;
}

export interface ScheduleActivities {
  sendOverdueDigest(input: ScheduledRun<OverdueDigestInput>): Promise<OverdueDigestResult>;
  writeWeeklyReports(input: ScheduledRun<WeeklyReportInput>): Promise<WeeklyReportResult>;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Every book of a query, page by page with Temporal's page tokens, heartbeating after each page. */
const listBooks = (client: Client, query: string, what: string): Promise<RegisterSummary[]> =>
  listAll(client, query, Infinity, (listed) => heartbeat({ [what]: listed }));

function groupBy<K extends string>(books: readonly RegisterSummary[], key: (b: RegisterSummary) => K | null): Map<K, RegisterSummary[]> {
  const groups = new Map<K, RegisterSummary[]>();
  for (const b of books) {
    const k = key(b);
    if (k === null) continue;
    groups.set(k, [...(groups.get(k) ?? []), b]);
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The scheduled runs' work: both read the books from visibility, write what they make once per unit
 * and day (a retried or re-triggered run of the same day adds nothing), and answer what they did.
 */
export function createScheduleActivities(deps: ScheduleActivityDeps): ScheduleActivities {
  const { units } = deps;
  const agencyOf = (b: RegisterSummary): Agency =>
    units.findAgency(b.agencyCode!) ?? {
      code: b.agencyCode!,
      name: b.agencyName ?? b.agencyCode!,
      level: b.level ?? 'commune',
      districtCode: b.districtCode ?? units.provinceCode,
      provinceCode: units.provinceCode,
    };

  /** The plan's deadline at the run's time: the books that follow it are overdue, and show their deadline, by it. */
  const planAt = async (at: string): Promise<PlanNow> => ({ deadline: (await readPlan(deps.temporal, deps.planDeadline)).deadline, nowMs: Date.parse(at) });

  return {
    async sendOverdueDigest({ timeZone, listed, reminderDays, at }) {
      const day = localDay(at, timeZone);
      const plan = await planAt(at);
      const query = [...BASE_CLAUSES, `ExecutionStatus = "Running"`, overdueClause(true, plan)].join(' AND ');
      const books = (await listBooks(deps.temporal, query, 'overdueBooks')).map((b) => summaryUnderPlan(b, plan));
      const byAgency = groupBy(books, (b) => b.agencyCode);
      let written = 0;
      for (const group of byAgency.values()) {
        if (await deps.outbox.writeOnce(overdueDigestNotice(agencyOf(group[0]!), group, { day, listed, at }))) written++;
        heartbeat({ written });
      }
      const result: OverdueDigestResult = { day, agencies: byAgency.size, books: books.length, written };
      // The books that follow the plan have no reminder of their own: on the plan's reminder days, one per agency.
      const left = daysLeft(plan.deadline, plan.nowMs);
      if (!reminderDays?.includes(left)) return result;
      const [from, deadline] = [SA.deadlineFrom.name, SA.deadline.name];
      const dueQuery = [...BASE_CLAUSES, `ExecutionStatus = "Running"`, `${from} = "plan"`, `(${deadline} IS NULL OR ${deadline} <= ${quote(plan.deadline)})`].join(' AND ');
      const due = groupBy(await listBooks(deps.temporal, dueQuery, 'planReminderBooks'), (b) => b.agencyCode);
      for (const group of due.values()) {
        if (await deps.outbox.writeOnce(planReminderNotice(agencyOf(group[0]!), group, { day, listed, at, deadline: plan.deadline, daysLeft: left }))) written++;
        heartbeat({ written });
      }
      return { ...result, written, planReminder: { daysLeft: left, agencies: due.size, books: [...due.values()].reduce((n, g) => n + g.length, 0) } };
    },

    async writeWeeklyReports({ timeZone, at }) {
      const day = localDay(at, timeZone);
      const plan = await planAt(at);
      const books = (await listBooks(deps.temporal, BASE_CLAUSES.join(' AND '), 'books')).map((b) => summaryUnderPlan(b, plan));
      const byDistrict = groupBy(books, (b) => b.districtCode);
      const files: WeeklyReportResult['files'] = [];
      let written = 0;
      for (const [code, group] of byDistrict) {
        const district = { code, name: units.districtName(code), provinceCode: units.provinceCode };
        const byStep = progressBy(units, group, 'step');
        const key = weeklyReportKey(day, code);
        // The day's file, once: a re-run keeps the file its notice already names.
        const file =
          (await deps.store.head(key)) ??
          (await deps.store.put(
            key,
            await buildWeeklyWorkbook({ provinceName: units.provinceName, districtName: district.name, day, at, byStep, byType: progressBy(units, group, 'type') }),
            { contentType: XLSX },
          ));
        files.push({ districtCode: code, key: file.key, sha256: file.sha256, bytes: file.bytes });
        if (await deps.outbox.writeOnce(weeklyReportNotice(district, byStep.total, { key: file.key, sha256: file.sha256, bytes: file.bytes }, { day, at }))) written++;
        heartbeat({ districts: files.length });
      }
      return { day, districts: byDistrict.size, books: books.length, written, files };
    },
  };
}
