import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** Methods that change state: they need a same-site origin and, with a session, the CSRF token. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const CSRF_HEADER = 'x-csrf-token';

/**
 * True when the browser says the request comes from another site. Browsers send Sec-Fetch-Site
 * (same-origin, same-site, cross-site, none) and Origin on every state-changing fetch; a request
 * without either (curl, a test) is judged by the CSRF token alone.
 */
export function isCrossSite(request: FastifyRequest, allowedOrigins: ReadonlySet<string>): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (allowedOrigins.has(origin)) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return true; // "null" (sandboxed frames, file://) and anything unparsable
  }
  // Origin leaves out a scheme's default port; a Host header may carry it.
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const originPort = url.port === '' ? defaultPort : Number(url.port);
  return url.hostname !== request.hostname.toLowerCase() || originPort !== (request.port ?? defaultPort);
}

export function csrfTokenMatches(request: FastifyRequest, expected: string): boolean {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Host names that only reach this machine: the one place cookies may go without Secure. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
