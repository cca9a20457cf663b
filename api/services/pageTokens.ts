import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../errors';

/**
 * Temporal's page tokens, sealed with an HMAC before they leave the API: a token the API did not
 * hand out is a 400 at once, never sent to Temporal (which took one made up as a server error,
 * retried for 20 s). The key lives as long as the process: after a restart, paging starts over.
 */
export class PageTokens {
  private readonly key = randomBytes(32);

  private mac(raw: Buffer): Buffer {
    return createHmac('sha256', this.key).update(raw).digest().subarray(0, 16);
  }

  seal(raw: Buffer): string {
    return `${raw.toString('base64url')}.${this.mac(raw).toString('base64url')}`;
  }

  /** The raw token, or a 400 naming the parameter. */
  open(token: string): Buffer {
    const [data, mac, ...rest] = token.split('.');
    const raw = data ? Buffer.from(data, 'base64url') : Buffer.alloc(0);
    const given = mac ? Buffer.from(mac, 'base64url') : Buffer.alloc(0);
    const want = this.mac(raw);
    if (rest.length || !raw.length || given.length !== want.length || !timingSafeEqual(given, want)) {
      throw badRequest('pageToken không hợp lệ hoặc đã hết hạn (máy chủ khởi động lại); tải lại trang đầu', [{ path: 'querystring.pageToken', message: 'không phải nextPageToken do API trả về' }]);
    }
    return raw;
  }
}
