import { join } from 'node:path';
import type { AuditLogLimits } from './deniedLog';
import { RotatingLog } from './rotatingLog';

/** A request refused before anyone was identified: no token, a bad one, too many failures. */
export interface SecurityEvent {
  at: string;
  requestId: string;
  ip: string;
  method: string;
  /** The route's pattern (`/api/registers/:id`), never the caller's raw path. */
  route: string;
  bookId?: string;
  status: number;
  code: string;
  reason: string;
  /** The user a known but expired or revoked token belongs to. */
  userId?: string;
  /** First 12 hex digits of the token's sha256: tells attempts apart without keeping the token. */
  tokenFingerprint?: string;
}

/**
 * Refusals of unidentified callers, kept apart from the books' audit trail (anyone can make them,
 * so they must never reach a book's history): NDJSON in `${SOHOA_DATA_DIR}/audit/security.ndjson`,
 * rotated by size, and at most `perMinute` lines a minute; what is over is counted and written as
 * one line when the minute ends.
 */
export class SecurityLog {
  private readonly log: RotatingLog;
  private minute = 0;
  private written = 0;
  private suppressed = 0;
  onAppend?: (e: SecurityEvent) => void;

  constructor(
    file: string,
    limits: AuditLogLimits,
    private readonly perMinute: number,
  ) {
    this.log = new RotatingLog(file, limits.maxBytes, limits.keep);
  }

  get file(): string {
    return this.log.file;
  }

  static inDataDir(dataDir: string, limits: AuditLogLimits, perMinute: number): SecurityLog {
    return new SecurityLog(join(dataDir, 'audit', 'security.ndjson'), limits, perMinute);
  }

  async append(e: SecurityEvent): Promise<void> {
    this.onAppend?.(e);
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== this.minute) {
      const dropped = this.suppressed;
      this.minute = minute;
      this.written = 0;
      this.suppressed = 0;
      if (dropped) await this.log.append(JSON.stringify({ at: new Date().toISOString(), suppressed: dropped, reason: `${dropped} yêu cầu bị từ chối không ghi lại (quá ${this.perMinute} dòng một phút)` }));
    }
    if (this.written >= this.perMinute) {
      this.suppressed++;
      return;
    }
    this.written++;
    await this.log.append(JSON.stringify(e));
  }
}
