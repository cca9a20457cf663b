import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { UserStore } from '../../clients/users';
import { units } from '../support/fixtures';

// Counts the constant-time comparisons the store makes (the real function still answers).
const compared = vi.hoisted(() => ({ n: 0 }));
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.n++;
    return crypto.timingSafeEqual(a, b);
  };
  return { ...crypto, timingSafeEqual };
});

const USERS = 40;
let store: UserStore;
const tokens: string[] = [];

beforeAll(async () => {
  store = UserStore.inDataDir(await mkdtemp(join(tmpdir(), 'sohoa-tokens-')), units);
  for (let i = 0; i < USERS; i++) tokens.push((await store.add({ userId: `nguoi.${i}`, role: 'clerk', scope: 'agency', agencyCode: '20194' })).token);
});

describe('token comparison', () => {
  it('compares a presented token with every stored hash in constant time, whichever matches or none, so timing tells nothing', async () => {
    const counts: number[] = [];
    for (const t of [tokens[0]!, tokens[USERS - 1]!, 'khong-phai-ma-cua-ai-ca-0123456789abcdef']) {
      compared.n = 0;
      await store.identify(t);
      counts.push(compared.n);
    }
    expect(counts).toEqual([USERS, USERS, USERS]);
    expect(await store.identify(tokens[7]!)).toMatchObject({ kind: 'valid', actor: { userId: 'nguoi.7' } });
    expect(await store.identify('khong-phai-ma-cua-ai-ca-0123456789abcdef')).toEqual({ kind: 'unknown' });
  });

  it('names an expired or revoked token as such, with its user, and accepts neither', async () => {
    const later = new Date(Date.now() + 91 * 86_400_000);
    expect(await store.identify(tokens[1]!, { ttlDays: 90, now: later })).toMatchObject({ kind: 'expired', userId: 'nguoi.1' });
    expect(await store.identify(tokens[1]!, { ttlDays: 0, now: later })).toMatchObject({ kind: 'valid' });
    await store.revoke('nguoi.2');
    expect(await store.identify(tokens[2]!)).toEqual({ kind: 'revoked', userId: 'nguoi.2' });
    expect(await store.authenticate(tokens[2]!)).toBeUndefined();
  });
});
