import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens for the one "Se connecter" form, with no cookie and no server-side store.
 *
 * The login sheet is a restricted WebView (iOS's Captive Network Assistant, Android's
 * CaptivePortalLogin) that clears or drops cookies, so a cookie-bound or double-submit token would fail
 * for real residents. Instead the token is an HMAC, under a random key that lives only in memory, of the
 * client's source address and the time the page was rendered. Another site cannot read it (same-origin
 * policy, no CORS), another client's token does not match this address, and it expires. A restart
 * changes the key: the old page then gets a fresh form and one more tap.
 */
export const CSRF_TTL_MS = 2 * 3600_000;
/** Tolerated clock step backwards between rendering the page and the tap. */
const FUTURE_SKEW_MS = 60_000;
const TOKEN_PATTERN = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/;

export class CsrfTokens {
  constructor(
    private readonly now: () => number,
    private readonly key: Uint8Array = randomBytes(32),
    private readonly ttlMs: number = CSRF_TTL_MS,
  ) {}

  mint(ip: string): string {
    const at = Math.max(0, Math.floor(this.now()));
    return `${at.toString(36)}.${this.mac(ip, at)}`;
  }

  verify(token: string, ip: string): boolean {
    const match = TOKEN_PATTERN.exec(token);
    if (!match?.[1] || !match[2]) return false;
    const at = Number.parseInt(match[1], 36);
    const age = this.now() - at;
    if (!Number.isSafeInteger(at) || age > this.ttlMs || age < -FUTURE_SKEW_MS) return false;
    const expected = Buffer.from(this.mac(ip, at));
    const given = Buffer.from(match[2]);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mac(ip: string, at: number): string {
    return createHmac('sha256', this.key).update(`${ip}\n${at}`).digest('base64url');
  }
}
