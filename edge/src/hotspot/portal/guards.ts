import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ERROR_CODE_HEADER, PortalErrorCode } from './codes.js';
import type { PortalCore } from './core.js';
import { escapeHtml } from './html.js';
import { negotiateLanguage } from './language.js';
import { renderUplinkDown } from './pages/notices.js';
import { matchProbe, type Probe } from './probes.js';
import { clientIp, refuse, SECURITY_HEADERS, sendHtml } from './replies.js';
import { checkTarget, parseHost } from './request-target.js';

/**
 * Runs before any route, in this order: the per-address rate limit (so floods of garbage are limited
 * too), the request target, the Host header. Requests for the portal's own name go on to its routes.
 * Port-80 requests for any other name are what nftables captured from a client: a probe or a page the
 * resident tried to open. Over TLS only the portal's name is served.
 */
export function installGuards(app: FastifyInstance, core: PortalCore, secure: boolean): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!withinRate(core, request, reply)) return reply;
    const target = checkTarget(request.raw.url ?? '');
    if (!target.ok) return refuse(core, request, reply, { status: target.status, code: PortalErrorCode.BAD_PATH });
    const host = parseHost(request.headers.host);
    if (!host) return refuse(core, request, reply, { status: 400, code: PortalErrorCode.BAD_HOST });
    if (host.hostname === core.config.portalHostname) return;
    if (secure || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return refuse(core, request, reply, { status: 421, code: PortalErrorCode.FOREIGN_HOST });
    }
    return answerCaptured(core, request, reply, matchProbe(host.hostname, target.path));
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setNotFoundHandler((request, reply) =>
    refuse(core, request, reply, { status: 404, code: PortalErrorCode.NOT_FOUND, heading: 'notFound.heading' }),
  );

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const refusal = refusalFor(err);
    if (refusal.status >= 500) core.log.error({ err }, 'portal request failed');
    return refuse(core, request, reply, refusal);
  });
}

/** Takes a token from the client's bucket; answers 429 itself when the bucket is empty. */
function withinRate(core: PortalCore, request: FastifyRequest, reply: FastifyReply): boolean {
  const rate = core.limiter.take(clientIp(request));
  if (rate.ok) return true;
  refuse(core, request, reply, {
    status: 429,
    code: PortalErrorCode.RATE_LIMITED,
    heading: 'rateLimited.heading',
    body: 'rateLimited.body',
    retryAfterS: rate.retryAfterS,
  });
  return false;
}

/**
 * Fastify's router refuses some targets before any hook runs (bad percent-encoding): same rate limit,
 * same coded answer.
 */
export function answerFrameworkError(
  core: PortalCore,
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (withinRate(core, request, reply)) refuse(core, request, reply, refusalFor(err));
}

/**
 * Before acceptance every captured request is redirected to the portal. After acceptance the firewall
 * lets traffic out, so a probe only lands here in a race: it gets the real success answer when the
 * uplink is up, and an honest 503 when it is down, never a fake success.
 */
async function answerCaptured(core: PortalCore, request: FastifyRequest, reply: FastifyReply, probe?: Probe) {
  const view = await core.gate.lookup(clientIp(request));
  if (!view.accepted || probe === undefined) {
    const landing = core.urls.landing();
    return reply
      .code(302)
      .header('location', landing)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><title>Wifi social</title><a href="${escapeHtml(landing)}">${escapeHtml(landing)}</a>`);
  }
  if (!core.gate.uplinkUp()) {
    const lang = negotiateLanguage(request.headers['accept-language'], core.config.languages);
    return sendHtml(reply, 503, renderUplinkDown(core.page(lang)), PortalErrorCode.UPLINK_DOWN);
  }
  const { status, contentType, body } = probe.online;
  if (contentType) reply.type(contentType);
  return reply.code(status).header('cache-control', 'no-store').send(body);
}

const FASTIFY_REFUSALS: Readonly<Record<string, [number, PortalErrorCode]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, PortalErrorCode.BODY_TOO_LARGE],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, PortalErrorCode.UNSUPPORTED_MEDIA],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, PortalErrorCode.MALFORMED],
  FST_ERR_BAD_URL: [400, PortalErrorCode.BAD_PATH],
};

export function refusalFor(err: FastifyError): { status: number; code: PortalErrorCode } {
  const known = FASTIFY_REFUSALS[err.code];
  if (known) return { status: known[0], code: known[1] };
  if (err.validation) return { status: 400, code: PortalErrorCode.BAD_REQUEST };
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, code: PortalErrorCode.BAD_REQUEST };
  return { status: 500, code: PortalErrorCode.INTERNAL };
}

/**
 * Bytes that never became a request (unparseable, headers over the limit, too slow) are answered on the
 * socket itself, still with a code, and the connection is closed.
 */
export function answerClientError(log: Logger, err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, PortalErrorCode.HEADERS_TOO_LARGE]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, PortalErrorCode.TIMEOUT]
        : [400, PortalErrorCode.MALFORMED];
  log.debug({ code, status }, 'portal refused unparseable bytes');
  const body = `${status} ${code}\n`;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: text/plain; charset=utf-8\r\ncache-control: no-store\r\n${ERROR_CODE_HEADER}: ${code}\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
