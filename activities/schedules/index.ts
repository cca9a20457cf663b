import type { Client } from '@temporalio/client';
import type { Agency, OverdueDigestInput, OverdueDigestResult, RegisterSummary, ScheduledRun, WeeklyReportInput, WeeklyReportResult } from '../../contracts/v1';
import { progressBy } from '../../domain/progress';
import { localDay, overdueDigestNotice, weeklyReportKey, weeklyReportNotice } from '../../domain/schedules';
import type { Units } from '../../domain/units';
import type { FileOutbox } from '../../clients/outbox';
import type { ArtifactStore } from '../../clients/storage/types';
import { BASE_CLAUSES } from '../../clients/temporal/visibilityQuery';
import { listAll } from '../../clients/temporal/visibility';
import { SA } from '../../workflows/definitions';
import { heartbeat } from '../heartbeat';
import { buildWeeklyWorkbook } from './weeklyWorkbook';

export interface ScheduleActivityDeps {
  store: ArtifactStore;
  outbox: FileOutbox;
  /** For visibility lists of the books (search attributes and memo, no query per book). */
  temporal: Client;
  units: Units;
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

  return {
    async sendOverdueDigest({ timeZone, listed, at }) {
      const day = localDay(at, timeZone);
      const query = [...BASE_CLAUSES, `ExecutionStatus = "Running"`, `${SA.overdue.name} = true`].join(' AND ');
      const books = await listBooks(deps.temporal, query, 'overdueBooks');
      const byAgency = groupBy(books, (b) => b.agencyCode);
      let written = 0;
      for (const group of byAgency.values()) {
        if (await deps.outbox.writeOnce(overdueDigestNotice(agencyOf(group[0]!), group, { day, listed, at }))) written++;
        heartbeat({ written });
      }
      return { day, agencies: byAgency.size, books: books.length, written };
    },

    async writeWeeklyReports({ timeZone, at }) {
      const day = localDay(at, timeZone);
      const books = await listBooks(deps.temporal, BASE_CLAUSES.join(' AND '), 'books');
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
