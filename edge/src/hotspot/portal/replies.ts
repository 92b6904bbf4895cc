import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODE_HEADER, type PortalErrorCode } from './codes.js';
import type { PortalCore } from './core.js';
import { negotiateLanguage } from './language.js';
import { renderRefusal } from './pages/notices.js';
import { PORTAL_CSS_HASH } from './style.js';

/** No script, no image, no frame, no other origin; only the inline stylesheet by its hash. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `default-src 'none'; style-src '${PORTAL_CSS_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The address the gate knows the client by: IPv4-mapped IPv6 ("::ffff:10.42.0.7") is unwrapped. */
export function clientIp(request: FastifyRequest): string {
  const ip = request.ip;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}

export function sendHtml(reply: FastifyReply, status: number, body: string, code?: PortalErrorCode): FastifyReply {
  if (code !== undefined) reply.header(ERROR_CODE_HEADER, code);
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

export interface Refusal {
  status: number;
  code: PortalErrorCode;
  /** Catalog keys; the generic "request refused" text when absent. */
  heading?: string;
  body?: string;
  retryAfterS?: number;
}

/**
 * Every refusal is a coded answer: a short page in the resident's language (JSON on the API's path), the code
 * in a header and in the body, never cached. Logged at debug with no address, host or path: those
 * identify a resident or the sites they tried to reach.
 */
export function refuse(core: PortalCore, request: FastifyRequest, reply: FastifyReply, refusal: Refusal) {
  core.log.debug({ code: refusal.code, status: refusal.status }, 'portal refused a request');
  if (refusal.retryAfterS !== undefined) reply.header('retry-after', String(refusal.retryAfterS));
  if ((request.raw.url ?? '').split('?', 1)[0] === core.config.apiPath) {
    return reply
      .code(refusal.status)
      .header(ERROR_CODE_HEADER, refusal.code)
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(JSON.stringify({ error: refusal.code }));
  }
  const lang = negotiateLanguage(request.headers['accept-language'], core.config.languages);
  const page = renderRefusal(core.page(lang), {
    heading: refusal.heading ?? 'error.heading',
    body: refusal.body ?? 'error.body',
    code: refusal.code,
  });
  return sendHtml(reply, refusal.status, page, refusal.code);
}
