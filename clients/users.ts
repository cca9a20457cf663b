import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { actorSchema, roleSchema, type Actor } from '../domain/actors';
import { jurisdictionExists, withinOf } from '../domain/custody';
import type { Units } from '../domain/units';

/** A user as stored: the token only as its sha256, never in clear. */
export const userRecordSchema = z.object({
  userId: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'tên đăng nhập: 2–64 ký tự a-z, 0-9, . _ -'),
  name: z.string().max(200).optional(),
  role: roleSchema,
  scope: actorSchema.shape.scope,
  agencyCode: actorSchema.shape.agencyCode,
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  rotatedAt: z.string().optional(),
  revokedAt: z.string().optional(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;
const usersFileSchema = z.object({ version: z.literal(1), users: z.array(userRecordSchema) });

export const newUserSchema = userRecordSchema.pick({ userId: true, name: true, role: true, scope: true, agencyCode: true });
export type NewUser = z.infer<typeof newUserSchema>;
/** What is shown of a user: everything but the hash. */
export type UserView = Omit<UserRecord, 'tokenHash'>;

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/** 32 random bytes, base64url: shown once, then only its hash is kept. */
export const newToken = () => randomBytes(32).toString('base64url');

/** Does the jurisdiction exist? The province (before or after 1/7/2025), one of its districts, one of its units of either era. */
export const checkJurisdiction = jurisdictionExists;

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

const RELOAD_CHECK_MS = 1000;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{20,100}$/;
const DAY_MS = 86_400_000;

/** What a presented token is: a user's valid token, one of theirs that expired or was revoked, or nobody's. */
export type TokenCheck =
  | { kind: 'valid'; actor: Actor }
  | { kind: 'expired'; userId: string; issuedAt: string; expiredAt: string }
  | { kind: 'revoked'; userId: string }
  | { kind: 'unknown' };

/**
 * Users and their hashed tokens in one JSON file (`${SOHOA_DATA_DIR}/users.json`), written
 * temp-then-rename so a reader never sees half a file. The API only reads it (and notices
 * changes made by the CLI within a second); the CLI writes it.
 */
export class UserStore {
  private users: UserRecord[] = [];
  /** Every user's token hash as bytes, revoked ones too (a revoked token is named as such, never accepted). */
  private hashes: Array<{ hash: Buffer; user: UserRecord }> = [];
  /** inode and mtime of the file last read: a rename by the CLI always changes the inode. */
  private loadedSig: string | undefined;
  private checkedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    readonly file: string,
    private readonly units: Units,
  ) {}

  static inDataDir(dataDir: string, units: Units): UserStore {
    return new UserStore(join(dataDir, 'users.json'), units);
  }

  private async readFileIfChanged(force = false): Promise<void> {
    const sig = await stat(this.file).then((s) => `${s.ino}:${s.mtimeMs}:${s.size}`, () => 'absent');
    if (!force && sig === this.loadedSig) return;
    if (sig === 'absent') {
      this.setUsers([]);
    } else {
      const text = await readFile(this.file, 'utf8');
      const parsed = usersFileSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new UserError(`tệp người dùng ${this.file} hỏng: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      this.setUsers(parsed.data.users);
    }
    this.loadedSig = sig;
  }

  private setUsers(users: UserRecord[]): void {
    this.users = users;
    this.hashes = users.map((u) => ({ hash: Buffer.from(u.tokenHash, 'hex'), user: u }));
  }

  /** Reloads at most once a second, so revocations from the CLI apply without a restart. */
  private async fresh(): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < RELOAD_CHECK_MS && this.loadedSig !== undefined) return;
    this.checkedAt = now;
    this.loading ??= this.readFileIfChanged().finally(() => (this.loading = undefined));
    await this.loading;
  }

  /**
   * Whose token this is. Its hash is compared with every stored hash in constant time, with no early
   * exit, so the time taken tells nothing about which user (or how many bytes) matched. A token
   * issued or rotated more than `ttlDays` ago has expired (0: tokens never expire).
   */
  async identify(token: string, opts: { ttlDays?: number; now?: Date } = {}): Promise<TokenCheck> {
    await this.fresh();
    if (!TOKEN_FORMAT.test(token)) return { kind: 'unknown' };
    const hash = Buffer.from(hashToken(token), 'hex');
    let u: UserRecord | undefined;
    for (const h of this.hashes) if (timingSafeEqual(h.hash, hash) && !u) u = h.user;
    if (!u) return { kind: 'unknown' };
    if (u.revokedAt) return { kind: 'revoked', userId: u.userId };
    const issuedAt = u.rotatedAt ?? u.createdAt;
    if (opts.ttlDays) {
      const expiresAt = Date.parse(issuedAt) + opts.ttlDays * DAY_MS;
      if (!(expiresAt > (opts.now ?? new Date()).getTime())) return { kind: 'expired', userId: u.userId, issuedAt, expiredAt: new Date(expiresAt).toISOString() };
    }
    const within = withinOf(this.units, u);
    return { kind: 'valid', actor: { userId: u.userId, role: u.role, scope: u.scope, agencyCode: u.agencyCode, ...(u.name ? { name: u.name } : {}), ...(within ? { within } : {}) } };
  }

  /** The actor a valid bearer token stands for, or undefined. */
  async authenticate(token: string, opts: { ttlDays?: number; now?: Date } = {}): Promise<Actor | undefined> {
    const c = await this.identify(token, opts);
    return c.kind === 'valid' ? c.actor : undefined;
  }

  async list(): Promise<UserView[]> {
    await this.readFileIfChanged(true);
    return this.users.map(({ tokenHash: _h, ...v }) => v);
  }

  /** Creates a user; returns the token, which is not stored. */
  async add(input: NewUser): Promise<{ user: UserView; token: string }> {
    const u = newUserSchema.safeParse(input);
    if (!u.success) throw new UserError(u.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const bad = checkJurisdiction(this.units, u.data.scope, u.data.agencyCode);
    if (bad) throw new UserError(bad);
    return this.mutate((users) => {
      if (users.some((x) => x.userId === u.data.userId)) throw new UserError(`người dùng "${u.data.userId}" đã có; dùng "user rotate" để cấp mã mới`);
      const token = newToken();
      const record: UserRecord = { ...u.data, tokenHash: hashToken(token), createdAt: new Date().toISOString() };
      users.push(record);
      return { user: view(record), token };
    });
  }

  /** A new token for a user (also lifts a revocation); the old token stops working. */
  async rotate(userId: string): Promise<{ user: UserView; token: string }> {
    return this.mutate((users) => {
      const u = users.find((x) => x.userId === userId);
      if (!u) throw new UserError(`không có người dùng "${userId}"`);
      const token = newToken();
      u.tokenHash = hashToken(token);
      u.rotatedAt = new Date().toISOString();
      delete u.revokedAt;
      return { user: view(u), token };
    });
  }

  async revoke(userId: string): Promise<UserView> {
    return this.mutate((users) => {
      const u = users.find((x) => x.userId === userId);
      if (!u) throw new UserError(`không có người dùng "${userId}"`);
      u.revokedAt = new Date().toISOString();
      return view(u);
    });
  }

  private async mutate<T>(change: (users: UserRecord[]) => T): Promise<T> {
    await this.readFileIfChanged(true);
    const users = this.users.map((u) => ({ ...u }));
    const out = change(users);
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, users }, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.file);
    await this.readFileIfChanged(true);
    return out;
  }
}

function view(u: UserRecord): UserView {
  const { tokenHash: _h, ...rest } = u;
  return rest;
}
