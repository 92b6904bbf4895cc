import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AcceptRefusal } from '../gate.js';
import { CAPTIVE_JSON, captiveApiBody } from './api.js';
import { PortalErrorCode } from './codes.js';
import type { PortalLanguage } from './config.js';
import type { PortalCore } from './core.js';
import { negotiateLanguage } from './language.js';
import { renderInfo } from './pages/info.js';
import { renderLanding } from './pages/landing.js';
import type { PageContext } from './pages/layout.js';
import { renderWelcome } from './pages/notices.js';
import { renderPrivacy } from './pages/privacy.js';
import { type Answers, QUESTION_IDS, QUESTIONS } from './questionnaire.js';
import { clientIp, type Refusal, refuse, sendHtml } from './replies.js';

/** The form's fields, nothing else: a token is 56 characters, the rest are short enums. */
const CSRF_FIELD = Type.String({ minLength: 1, maxLength: 64 });

const oneOf = (values: readonly string[]): TSchema => Type.Union(values.map((v) => Type.Literal(v)));

interface LangQuery {
  lang?: PortalLanguage;
}
type LoginBody = { csrf: string; lang: PortalLanguage } & Answers;

/** What "Se connecter" answers when the gate says no, by its reason. */
const REFUSALS: Record<AcceptRefusal, Refusal> = {
  full: { status: 503, code: PortalErrorCode.FULL, heading: 'full.heading', body: 'full.body', retryAfterS: 60 },
  'unknown-client': {
    status: 403,
    code: PortalErrorCode.UNKNOWN_CLIENT,
    heading: 'unknown.heading',
    body: 'unknown.body',
  },
  // Not a fault of the resident's: a plain statement, and when the allowance comes back.
  quota: { status: 403, code: PortalErrorCode.QUOTA, heading: 'quota.heading', body: 'quota.body' },
};

/**
 * The portal's own pages, served for its hostname only (the guards have already checked the Host).
 * Queries and forms are validated by schema with no extra field allowed: anything else is a coded 400.
 */
export function installRoutes(app: FastifyInstance, core: PortalCore, secure: boolean): void {
  const { config, gate } = core;
  const lang = oneOf(config.languages);
  const querystring = Type.Object({ lang: Type.Optional(lang) }, { additionalProperties: false });
  const answers = config.questionnaire.enabled
    ? Object.fromEntries(QUESTION_IDS.map((q) => [q, Type.Optional(oneOf(QUESTIONS[q]))]))
    : {};
  const body = Type.Object({ csrf: CSRF_FIELD, lang, ...answers }, { additionalProperties: false });

  const pageFor = (request: FastifyRequest<{ Querystring: LangQuery }>): PageContext =>
    core.page(request.query.lang ?? negotiateLanguage(request.headers['accept-language'], config.languages));

  app.get<{ Querystring: LangQuery }>('/', { schema: { querystring } }, async (request, reply) => {
    const ip = clientIp(request);
    const view = await gate.lookup(ip);
    const page = renderLanding(pageFor(request), { view, uplinkUp: gate.uplinkUp(), csrfToken: core.csrf.mint(ip) });
    return sendHtml(reply, 200, page);
  });

  app.get<{ Querystring: LangQuery }>('/privacy', { schema: { querystring } }, async (request, reply) =>
    sendHtml(reply, 200, renderPrivacy(pageFor(request))),
  );

  app.get<{ Querystring: LangQuery }>('/info', { schema: { querystring } }, async (request, reply) =>
    sendHtml(reply, 200, renderInfo(pageFor(request))),
  );

  app.post<{ Body: LoginBody }>('/login', { schema: { body } }, async (request, reply) => {
    const { csrf, lang: chosen, ...given } = request.body;
    const ctx = core.page(chosen);
    const ip = clientIp(request);
    if (!core.csrf.verify(csrf, ip) || !fromPortalPage(request.headers.origin, config.portalHostname)) {
      // A fresh form comes with the refusal: an expired page costs the resident one more tap, no more.
      const view = await gate.lookup(ip);
      const fresh = { view, uplinkUp: gate.uplinkUp(), csrfToken: core.csrf.mint(ip), expired: true };
      return sendHtml(reply, 403, renderLanding(ctx, fresh), PortalErrorCode.CSRF);
    }
    const result = await gate.accept(ip);
    if (!result.ok) return refuse(core, request, reply, REFUSALS[result.reason]);
    if (config.questionnaire.enabled) core.tally.record(given);
    return sendHtml(reply, 200, renderWelcome(ctx, result.view, gate.uplinkUp()));
  });

  if (secure) {
    const none = Type.Object({}, { additionalProperties: false });
    app.get(config.apiPath, { schema: { querystring: none } }, async (request, reply) => {
      const view = await gate.lookup(clientIp(request));
      // A Buffer, so fastify does not append "; charset=utf-8": clients match the media type exactly.
      return reply
        .code(200)
        .header('content-type', CAPTIVE_JSON)
        .header('cache-control', 'private')
        .send(Buffer.from(JSON.stringify(captiveApiBody(view, core.urls))));
    });
  }
}

/**
 * Defence in depth behind the token: a browser that says where the form came from must say the portal.
 * "null" (sandboxed or privacy-minded WebViews) and no Origin at all are left to the token.
 */
function fromPortalPage(origin: string | undefined, portalHostname: string): boolean {
  if (origin === undefined || origin === 'null') return true;
  try {
    return new URL(origin).hostname === portalHostname;
  } catch {
    return false;
  }
}
