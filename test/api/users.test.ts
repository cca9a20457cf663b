import { units } from '../support/fixtures';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashToken, UserStore } from '../../clients/users';
import { ROOT } from '../../clients/paths';

const dir = () => mkdtemp(join(tmpdir(), 'sohoa-users-'));

function cli(args: string[], dataDir: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [`${ROOT}scripts/sohoa.mjs`, ...args], { env: { ...process.env, SOHOA_DATA_DIR: dataDir, SOHOA_TOKEN: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('users file', () => {
  it('keeps only the sha256 of each token; rotation and revocation take effect', async () => {
    const d = await dir();
    const store = UserStore.inDataDir(d, units);
    const { token, user } = await store.add({ userId: 'quanly.tamky', name: 'Trần Thị Bình', role: 'manager', scope: 'district', agencyCode: '502' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(user).not.toHaveProperty('tokenHash');
    const file = await readFile(join(d, 'users.json'), 'utf8');
    expect(file).not.toContain(token);
    expect(file).toContain(hashToken(token));
    expect(await store.authenticate(token)).toEqual({ userId: 'quanly.tamky', name: 'Trần Thị Bình', role: 'manager', scope: 'district', agencyCode: '502' });

    const fresh = UserStore.inDataDir(d, units);
    const rotated = await fresh.rotate('quanly.tamky');
    expect(await fresh.authenticate(token)).toBeUndefined();
    expect(await fresh.authenticate(rotated.token)).toMatchObject({ userId: 'quanly.tamky' });
    await fresh.revoke('quanly.tamky');
    expect(await fresh.authenticate(rotated.token)).toBeUndefined();
    expect((await fresh.list())[0]).toMatchObject({ userId: 'quanly.tamky', revokedAt: expect.any(String) });
    // Writes are temp-then-rename: no temp file is left behind.
    expect(await readdir(d)).toEqual(['users.json']);
  });

  it('refuses unknown jurisdictions, duplicate users and bad names', async () => {
    const store = UserStore.inDataDir(await dir(), units);
    await expect(store.add({ userId: 'a.b', role: 'clerk', scope: 'agency', agencyCode: '99999' })).rejects.toThrow('99999');
    await expect(store.add({ userId: 'a.b', role: 'clerk', scope: 'district', agencyCode: '20335' })).rejects.toThrow('mã huyện');
    await expect(store.add({ userId: 'A B', role: 'clerk', scope: 'agency', agencyCode: '20335' })).rejects.toThrow('tên đăng nhập');
    await store.add({ userId: 'a.b', role: 'clerk', scope: 'agency', agencyCode: '20335' });
    await expect(store.add({ userId: 'a.b', role: 'clerk', scope: 'agency', agencyCode: '20335' })).rejects.toThrow('đã có');
    expect(await store.authenticate('not a token')).toBeUndefined();
  });
});

describe('sohoa user …', () => {
  it('adds, lists, rotates and revokes users, in Vietnamese or as JSON; errors exit non-zero with a clear message', async () => {
    const d = await dir();
    const add = await cli(['user', 'add', 'congchuc.tanthanh', '--role', 'clerk', '--scope', 'agency', '--code', '20335', '--name', 'Lê Văn Cường'], d);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('Đã tạo người dùng congchuc.tanthanh (Công chức tư pháp');
    const token = add.stdout.trim().split('\n').at(-1)!;
    expect(await UserStore.inDataDir(d, units).authenticate(token)).toMatchObject({ userId: 'congchuc.tanthanh', role: 'clerk' });

    const list = await cli(['user', 'list'], d);
    expect(list.stdout).toMatch(/congchuc\.tanthanh\s+Lê Văn Cường\s+Công chức tư pháp\s+agency\s+20335/);
    const json = await cli(['--json', 'user', 'list'], d);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ userId: 'congchuc.tanthanh', role: 'clerk' })]);

    const rotate = await cli(['--json', 'user', 'rotate', 'congchuc.tanthanh'], d);
    const newToken = JSON.parse(rotate.stdout).token as string;
    expect(await UserStore.inDataDir(d, units).authenticate(token)).toBeUndefined();
    expect(await UserStore.inDataDir(d, units).authenticate(newToken)).toBeDefined();
    expect((await cli(['user', 'revoke', 'congchuc.tanthanh'], d)).stdout).toContain('Đã thu hồi');

    const dup = await cli(['user', 'add', 'congchuc.tanthanh', '--role', 'clerk', '--scope', 'agency', '--code', '20335'], d);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('Lỗi: người dùng "congchuc.tanthanh" đã có');
    const badRole = await cli(['user', 'add', 'x.y', '--role', 'boss', '--scope', 'agency', '--code', '20335'], d);
    expect(badRole.code).toBe(2);
    const noToken = await cli(['status', 'reg-20335-KS-01-2017'], d);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('cần mã truy cập');
  }, 60_000);
});
