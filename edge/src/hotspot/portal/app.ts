import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { PortalCore } from './core.js';
import { answerClientError, answerFrameworkError, installGuards } from './guards.js';
import { installRoutes } from './routes.js';

/** The login form is a few hundred bytes; nothing a phone sends the portal needs more. */
export const MAX_BODY_BYTES = 4096;
export const MAX_HEADER_BYTES = 8192;

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** One fastify app; the portal runs it twice: on port 80, and over TLS when a certificate is configured. */
export function createPortalApp(core: PortalCore, tls?: TlsFiles): FastifyInstance {
  const options = {
    loggerInstance: core.log as FastifyBaseLogger,
    // Fastify's own request lines carry the client's address at info level: the portal logs its own.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    requestTimeout: 15_000,
    keepAliveTimeout: 10_000,
    // Unknown fields are refused (400), not silently dropped as fastify's default Ajv setup does.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    frameworkErrors: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      answerFrameworkError(core, err, request, reply),
    clientErrorHandler: (
      err: Parameters<typeof answerClientError>[1],
      socket: Parameters<typeof answerClientError>[2],
    ) => answerClientError(core.log, err, socket),
  } as const;
  // Node's own check for a missing Host answers a bare 400; the guards answer it with a code instead.
  const server = { maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false };
  const app = tls
    ? Fastify({ ...options, https: { cert: tls.cert, key: tls.key, ...server } })
    : Fastify({ ...options, http: server });
  // Only the login form's encoding: fastify's JSON and text parsers would let other bodies reach the route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: MAX_BODY_BYTES },
    (_request, body, done) => done(null, parseForm(String(body))),
  );
  installGuards(app, core, tls !== undefined);
  installRoutes(app, core, tls !== undefined);
  return app;
}

/**
 * A repeated field becomes an array, which the route schema then refuses. The object has no prototype,
 * so a field named "__proto__" is just an unknown field (refused), never a prototype change.
 */
export function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = fields[name];
    fields[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return fields;
}
