import type { Period } from '../contracts/v1/values';

export { periodIds, periodSchema, type Period } from '../contracts/v1/values';

/** Legal periods (nhóm sổ) by year of registration; see ../shared/domain.md. Ordered newest first. */
export const PERIODS = [
  { id: 'p2016', from: 2016, to: 2019, nameVi: 'Luật Hộ tịch 2014 (2016–2019)' },
  { id: 'p2006', from: 2006, to: 2015, nameVi: 'Nghị định 158/2005/NĐ-CP (2006–2015)' },
  { id: 'p1999', from: 1999, to: 2005, nameVi: 'Nghị định 83/1998/NĐ-CP (1999–2005)' },
  { id: 'p1976', from: 1976, to: 1998, nameVi: 'Nghị định 04/CP (1976–1998)' },
  { id: 'pre1976', from: -Infinity, to: 1975, nameVi: 'Trước năm 1976' },
] as const satisfies readonly { id: Period; from: number; to: number; nameVi: string }[];

/** The plan covers books registered up to 2019. */
export const LAST_PLAN_YEAR = 2019;
export const FIRST_PLAN_YEAR = 1900;

export function periodOfYear(year: number): Period {
  const p = PERIODS.find((p) => year >= p.from && year <= p.to);
  if (!p) throw new RangeError(`năm ${year} nằm ngoài phạm vi đề án (đến ${LAST_PLAN_YEAR})`);
  return p.id;
}

export interface BookPeriod {
  period: Period;
  /** Set when the book's years span two periods: the book belongs to its first year's period. */
  warning?: string;
}

export function periodOfBook(yearFrom: number, yearTo: number): BookPeriod {
  const period = periodOfYear(yearFrom);
  const last = periodOfYear(yearTo);
  if (last === period) return { period };
  return {
    period,
    warning: `Sổ ${yearFrom}–${yearTo} trải qua hai giai đoạn (${period}, ${last}); xếp vào giai đoạn của năm đầu (${period}).`,
  };
}
