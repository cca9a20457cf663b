import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startApi, type ApiHarness } from '../api/helpers';

/** Attacks on sessions and headers, against the real API: what a hostile caller sees, and what the logs keep. */
let h: ApiHarness;
const FAILURES_PER_IP = 6;
const FAILURES_PER_USER = 3;

beforeAll(async () => {
  h = await startApi({
    config: {
      SOHOA_TOKEN_TTL_DAYS: '30',
      SOHOA_AUTH_FAILURES_PER_IP: String(FAILURES_PER_IP),
      SOHOA_AUTH_FAILURES_PER_USER: String(FAILURES_PER_USER),
      SOHOA_AUTH_FAILURE_WINDOW_S: '600',
    },
  });
});
afterAll(async () => h?.close());

let ipSeq = 0;
/** Each test comes from its own addresses, so one test's failures never limit another's. */
const newIp = () => `10.15.${Math.floor(++ipSeq / 200)}.${ipSeq % 200}`;
const get = (url: string, headers: Record<string, string> = {}, remoteAddress = newIp()) => h.app.inject({ method: 'GET', url, headers, remoteAddress });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Backdates a user's token in users.json (written as the CLI writes it: a new file, renamed). */
async function backdate(userId: string, days: number): Promise<void> {
  const file = join(h.dir, 'users.json');
  const doc = JSON.parse(await readFile(file, 'utf8')) as { users: Array<{ userId: string; createdAt: string; rotatedAt?: string }> };
  const u = doc.users.find((x) => x.userId === userId)!;
  u.createdAt = new Date(Date.now() - days * 86_400_000).toISOString();
  delete u.rotatedAt;
  await writeFile(`${file}.tmp`, JSON.stringify(doc));
  await rename(`${file}.tmp`, file);
}

describe('headers', () => {
  it('every answer carries a content security policy that allows only the own origin, and forbids framing', async () => {
    for (const url of ['/docs/', '/api/me', '/health', '/api/nope', '/api/registers']) {
      const r = await get(url, url === '/api/registers' ? {} : bearer(h.tokens.clerk));
      const csp = Object.fromEntries(
        String(r.headers['content-security-policy'] ?? '')
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .filter((d) => d[0])
          .map(([name, ...values]) => [name, values.join(' ')]),
      );
      expect(csp, url).toMatchObject({ 'default-src': "'self'", 'script-src': "'self'", 'script-src-attr': "'none'", 'object-src': "'none'", 'frame-ancestors': "'none'" });
      // Inline styles only on the docs page (swagger-ui sets them from its script).
      expect(csp['style-src'], url).toBe(url === '/docs/' ? "'self' 'unsafe-inline'" : "'self'");
      expect(r.headers['x-frame-options'], url).toBe('DENY');
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });
});

describe('routes are matched on the decoded path', () => {
  it('/%61pi/templates/KS.xlsx needs a token exactly like /api/templates/KS.xlsx', async () => {
    for (const url of ['/api/templates/KS.xlsx', '/%61pi/templates/KS.xlsx', '/%61%70%69/templates/KS.xlsx', '/api/templates/%4BS.xlsx', '/api//templates/KS.xlsx']) {
      const r = await get(url);
      expect([401, 404], url).toContain(r.statusCode);
      expect(r.headers['content-type'], url).toMatch(/json/);
    }
    expect((await get('/%61pi/templates/KS.xlsx')).statusCode).toBe(401);
    expect((await get('/%61pi/templates/KS.xlsx', bearer(h.tokens.clerk))).statusCode).toBe(200);
  });
});

describe('tokens', () => {
  it(`a token expires SOHOA_TOKEN_TTL_DAYS after it was issued; a rotated one works again`, async () => {
    const { token } = await h.usersFile.add({ userId: 'het.han', role: 'clerk', scope: 'agency', agencyCode: '20194' });
    expect((await get('/api/me', bearer(token))).statusCode).toBe(200);
    await backdate('het.han', 31);
    const r = await eventually(() => get('/api/me', bearer(token)), (x) => x.statusCode === 401, 3000);
    expect(r.json().message).toContain('hết hạn');
    const rotated = await h.usersFile.rotate('het.han');
    await eventually(() => get('/api/me', bearer(rotated.token)), (x) => x.statusCode === 200, 3000);
  });

  it('failed sign-ins from one address are limited: then every request from it is 429 with retry-after, a valid token too; other addresses go on', async () => {
    const attacker = newIp();
    const tries: number[] = [];
    for (let i = 0; i < FAILURES_PER_IP + 2; i++) tries.push((await get('/api/me', bearer(`doan-ma-${i}-${'x'.repeat(30)}`), attacker)).statusCode);
    expect(tries).toEqual([...Array(FAILURES_PER_IP).fill(401), 429, 429]);
    const blocked = await get('/api/me', bearer(h.tokens.clerk), attacker);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(500);
    expect(blocked.json()).toMatchObject({ error: 'TooManyRequests', message: expect.stringContaining('đăng nhập sai') });
    expect((await get('/api/me', bearer(h.tokens.clerk), newIp())).statusCode).toBe(200);
    // Requests without any token are anonymous, not failed sign-ins: they do not use up the limit.
    const quiet = newIp();
    for (let i = 0; i < FAILURES_PER_IP + 2; i++) expect((await get('/api/me', {}, quiet)).statusCode).toBe(401);
    expect((await get('/api/me', bearer(h.tokens.clerk), quiet)).statusCode).toBe(200);
  });

  it("one user's expired or revoked token is limited from any address, while the user's valid token still works", async () => {
    const { token: old } = await h.usersFile.add({ userId: 'bi.lo', role: 'clerk', scope: 'agency', agencyCode: '20194' });
    await backdate('bi.lo', 40);
    await eventually(() => get('/api/me', bearer(old)), (x) => x.statusCode === 401, 3000);
    const codes: number[] = [];
    for (let i = 0; i < FAILURES_PER_USER + 1; i++) codes.push((await get('/api/me', bearer(old))).statusCode);
    // The wait above ended on this token's first failure: two more are 401, then the user's limit answers.
    expect(codes).toEqual([401, 401, 429, 429]);
    const r = await get('/api/me', bearer(old));
    expect(r.json().message).toContain('bi.lo');
    const fresh = await h.usersFile.rotate('bi.lo');
    await eventually(() => get('/api/me', bearer(fresh.token)), (x) => x.statusCode === 200, 3000);
  });
});

describe('no token in any log', () => {
  it('requests with valid, expired, revoked, garbage and misplaced tokens leave none of them in any file the API wrote or in its log', async () => {
    const revoked = await h.usersFile.add({ userId: 'thu.hoi', role: 'auditor', scope: 'province', agencyCode: '49' });
    await h.usersFile.revoke('thu.hoi');
    const expired = await h.usersFile.add({ userId: 'qua.han', role: 'manager', scope: 'province', agencyCode: '49' });
    await backdate('qua.han', 45);
    const garbage = 'Zz9-gia-mao-khong-phai-ma-that-0123456789ab';
    const used = [...Object.values(h.tokens), revoked.token, expired.token, garbage];
    const id = 'reg-20194-KS-01-2017';
    for (const t of used) {
      const ip = newIp();
      const calls = [
        h.app.inject({ method: 'GET', url: '/api/me', headers: bearer(t), remoteAddress: ip }),
        h.app.inject({ method: 'GET', url: `/api/registers?token=${t}&access_token=${t}`, headers: bearer(t), remoteAddress: ip }),
        h.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `bearer   ${t}  `, 'x-request-id': t, 'x-api-key': t }, remoteAddress: ip }),
        h.app.inject({ method: 'POST', url: `/api/registers/${id}/actions/withdraw`, headers: { ...bearer(t), 'x-request-id': t }, payload: { reason: 'thử' }, remoteAddress: ip }),
        h.app.inject({ method: 'GET', url: `/api/registers/${id}/history?t=${t}`, headers: { authorization: `Basic ${Buffer.from(`u:${t}`).toString('base64')}` }, remoteAddress: ip }),
        h.app.inject({ method: 'GET', url: `/api/nope?token=${t}`, headers: bearer(t), remoteAddress: ip }),
      ];
      for (const r of await Promise.all(calls)) expect(r.statusCode).toBeLessThan(500);
    }
    await h.app.inject({ method: 'GET', url: '/health' });
    // Everything the API wrote: its log, and every file under its data folder but the stored books' artifacts.
    const files = (await readdir(h.dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && !e.parentPath.includes(`${h.dir}/artifacts`));
    const written = [{ name: 'pino', text: h.logs.raw }, ...(await Promise.all(files.map(async (f) => ({ name: join(f.parentPath, f.name), text: await readFile(join(f.parentPath, f.name), 'latin1') }))))];
    expect(written.map((w) => w.name)).toEqual(expect.arrayContaining([expect.stringMatching(/security\.ndjson$/), expect.stringMatching(/users\.json$/)]));
    for (const t of used) for (const w of written) expect(w.text.includes(t), `${w.name} holds a token`).toBe(false);
  });
});
