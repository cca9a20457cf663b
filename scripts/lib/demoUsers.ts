import { loadUnits } from '../../clients/units';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserStore, type NewUser } from '../../clients/users';

/** The demo's people, one per role; their ids are the actors the demo loader acts as. */
export const DEMO_USERS: NewUser[] = [
  { userId: 'quanly.tinh', name: 'Nguyễn Thị Hoa (Sở Tư pháp)', role: 'manager', scope: 'province', agencyCode: '49' },
  { userId: 'congchuc.20194', name: 'Trần Văn Nam (UBND phường Tân Thạnh)', role: 'clerk', scope: 'agency', agencyCode: '20194' },
  { userId: 'congchuc.502', name: 'Lê Thị Mai (Phòng Tư pháp Tam Kỳ)', role: 'clerk', scope: 'district', agencyCode: '502' },
  { userId: 'nhathau.a', name: 'Công ty số hóa A', role: 'contractor', scope: 'province', agencyCode: '49' },
  { userId: 'c06.tinh', name: 'Phòng C06 Công an tỉnh', role: 'c06', scope: 'province', agencyCode: '49' },
  { userId: 'kiemtoan', name: 'Kiểm toán viên', role: 'auditor', scope: 'province', agencyCode: '49' },
];

/**
 * Creates the demo users once. Tokens are stored hashed; the demo alone also keeps them in
 * `demo-tokens.txt` (mode 600) so the person trying `make up` can sign in. Returns that file.
 */
export async function ensureDemoUsers(dataDir: string): Promise<string> {
  const users = UserStore.inDataDir(dataDir, loadUnits());
  const file = join(dataDir, 'demo-tokens.txt');
  if ((await users.list()).length > 0) return file;
  const lines = ['# Mã đăng nhập của người dùng mẫu (chỉ dành cho bản demo; xóa tệp này khi dùng thật)'];
  for (const u of DEMO_USERS) {
    const { token } = await users.add(u);
    lines.push(`${u.role.padEnd(10)} ${u.userId.padEnd(16)} ${token}`);
  }
  await writeFile(file, lines.join('\n') + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
