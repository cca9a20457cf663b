import { describe, expect, it } from 'vitest';
import { StatusCache, stateVersion } from '../../api/services/statusCache';

const json = (s: string) => Buffer.from(s);

describe('the status cache', () => {
  it('answers only for the version it was asked at, and keeps the most recently read books', () => {
    const c = new StatusCache(2);
    const t = Date.now();
    c.set('a', 'v1', json('a1'), t);
    c.set('b', 'v1', json('b1'), t);
    expect(c.get('a', 'v1')?.toString()).toBe('a1');
    expect(c.get('a', 'v2')).toBeUndefined();
    expect(c.get('a', undefined)).toBeUndefined();
    // `a` was read last: `b` leaves for `c`.
    c.set('c', 'v1', json('c1'), t);
    expect(c.get('b', 'v1')).toBeUndefined();
    expect(c.get('a', 'v1')?.toString()).toBe('a1');
  });

  it('a book changed here is dropped, and an answer asked before the change is not kept', () => {
    const c = new StatusCache(10);
    const before = Date.now() - 5;
    c.set('a', 'v1', json('old'), before);
    c.drop('a');
    expect(c.get('a', 'v1')).toBeUndefined();
    // A read that began before the action ends after it: its answer is of the old state.
    c.set('a', 'v1', json('old'), before);
    expect(c.get('a', 'v1')).toBeUndefined();
    // A read begun after the drop is kept.
    c.set('a', 'v2', json('new'), Date.now() + 1);
    expect(c.get('a', 'v2')?.toString()).toBe('new');
  });

  it('books without SohoaUpdatedAt have no version, so nothing is cached for them', () => {
    expect(stateVersion('run', 'RUNNING', undefined)).toBeUndefined();
    expect(stateVersion('run', 'RUNNING', new Date(1000))).toBe('run/RUNNING/1000');
  });
});
