import { describe, expect, it } from 'vitest';
import { periodOfBook, periodOfYear } from '../../domain/periods';

describe('legal periods', () => {
  it.each([
    [1930, 'pre1976'],
    [1975, 'pre1976'],
    [1976, 'p1976'],
    [1998, 'p1976'],
    [1999, 'p1999'],
    [2005, 'p1999'],
    [2006, 'p2006'],
    [2015, 'p2006'],
    [2016, 'p2016'],
    [2019, 'p2016'],
  ])('year %i belongs to %s', (year, period) => expect(periodOfYear(year)).toBe(period));

  it('refuses years after the plan', () => expect(() => periodOfYear(2020)).toThrow(/2020/));

  it('a book spanning two periods belongs to its first year and carries a warning', () => {
    const r = periodOfBook(2005, 2006);
    expect(r.period).toBe('p1999');
    expect(r.warning).toMatch(/2005–2006.*p1999/);
    expect(periodOfBook(2006, 2008)).toEqual({ period: 'p2006' });
  });
});
