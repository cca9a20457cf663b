import { loadUnits } from '../../clients/units';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserStore, type NewUser } from '../../clients/users';
import type { Units } from '../../domain/units';
import { demoSlots } from './demo';

/**
 * The demo's people, one per role, and two of the 2025 units: the Sở Tư pháp of the province this one
 * became part of, and the commune that took over a demo commune's books. The legacy ones' ids are the
 * actors the demo loader acts as.
 */
export function demoUsers(units: Units): NewUser[] {
  const slots = demoSlots(units);
  const P = units.provinceCode;
  const successor = units.successionOf(slots.C1.code);
  const commune2025 = successor.kind === 'to' ? successor.to : undefined;
  return [
    { userId: 'quanly.tinh', name: `Nguyễn Thị Hoa (${units.findAgency(P)!.name})`, role: 'manager', scope: 'province', agencyCode: P },
    { userId: `congchuc.${slots.C0.code}`, name: `Trần Văn Nam (${slots.C0.name})`, role: 'clerk', scope: 'agency', agencyCode: slots.C0.code },
    { userId: `congchuc.${slots.D0.code}`, name: `Lê Thị Mai (${slots.D0.name})`, role: 'clerk', scope: 'district', agencyCode: slots.D0.code },
    { userId: 'nhathau.a', name: 'Công ty số hóa A', role: 'contractor', scope: 'province', agencyCode: P },
    { userId: 'c06.tinh', name: 'Phòng C06 Công an tỉnh', role: 'c06', scope: 'province', agencyCode: P },
    { userId: 'kiemtoan', name: 'Kiểm toán viên', role: 'auditor', scope: 'province', agencyCode: P },
    { userId: `quanly.${units.province2025.key}`, name: `Phạm Văn Đức (Sở Tư pháp ${units.province2025.name})`, role: 'manager', scope: 'province', agencyCode: units.province2025.key },
    ...(commune2025 ? [{ userId: `congchuc.${commune2025.key}`, name: `Võ Thị Lan (${commune2025.name})`, role: 'clerk' as const, scope: 'agency' as const, agencyCode: commune2025.key }] : []),
  ];
}

/**
 * Creates the demo users once. Tokens are stored hashed; the demo alone also keeps them in
 * `demo-tokens.txt` (mode 600) so the person trying `make up` can sign in. Returns that file.
 */
export async function ensureDemoUsers(dataDir: string, units: Units = loadUnits()): Promise<string> {
  const users = UserStore.inDataDir(dataDir, units);
  const file = join(dataDir, 'demo-tokens.txt');
  if ((await users.list()).length > 0) return file;
  const lines = ['# Mã đăng nhập của người dùng mẫu (chỉ dành cho bản demo; xóa tệp này khi dùng thật)'];
  for (const u of demoUsers(units)) {
    const { token } = await users.add(u);
    lines.push(`${u.role.padEnd(10)} ${u.userId.padEnd(16)} ${token}`);
  }
  await writeFile(file, lines.join('\n') + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
