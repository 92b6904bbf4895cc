import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { SqlDb } from '../store/sql/types.js';
import { AuthErrorCode, authError } from './errors.js';
import { CSRF_HEADER, csrfTokenMatches, isCrossSite, UNSAFE_METHODS } from './guards.js';
import { AttemptLimiter } from './limiter.js';
import type { ScryptCost } from './passwords.js';
import { can, type Permission } from './roles.js';
import { type CookieSettings, LOGIN_PATH, registerAuthRoutes } from './routes.js';
import { type ActiveSession, SessionStore } from './sessions.js';
import { type User, UserStore } from './users.js';

export interface AuthPluginOptions {
  /** Migrated with AUTH_MIGRATIONS. */
  db: SqlDb;
  /**
   * Secure cookies (HTTPS). Turn off only to use the dashboard at http://127.0.0.1 on the same
   * machine: logins through any other host name are then refused.
   */
  cookieSecure: boolean;
  /** How long a login lasts. Default 12 h. */
  sessionTtlMs?: number;
  /** Failed-login limits. Defaults: 5 per username and 20 per IP address, per 15 minutes. */
  loginLimit?: { perUsername?: number; perIp?: number; windowMs?: number };
  /** Origins besides the request's own host allowed to send state-changing requests (a reverse proxy's public URL). */
  allowedOrigins?: readonly string[];
  /** CSP directives to add or replace (helmet's camelCase names), e.g. a map tile server in imgSrc. */
  cspDirectives?: Readonly<Record<string, readonly string[]>>;
  now?: () => number;
  passwordCost?: ScryptCost;
}

export type PermissionHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

export interface AuthStores {
  users: UserStore;
  sessions: SessionStore;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A hook for a route's `preHandler` (or `onRequest`): 401 without a session, 403 without the permission. */
    requirePermission(permission: Permission): PermissionHook;
    auth: AuthStores;
  }
  interface FastifyRequest {
    /** The logged-in user, or null. Set for every request before the route's own hooks run. */
    user: User | null;
  }
}

const DEFAULT_TTL_MS = 12 * 60 * 60 * 1000;

/** The session cookie's name: the __Host- prefix (Secure, no Domain, Path=/) whenever cookies are Secure. */
export function sessionCookieName(cookieSecure: boolean): string {
  return cookieSecure ? '__Host-triporteur-session' : 'triporteur-session';
}
const DEFAULT_WINDOW_MS = 15 * 60 * 1000;

/** Same-origin everything and no inline script or style: the page's JS and CSS are separate files. */
const CSP: Record<string, readonly string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

async function auth(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const users = new UserStore(options.db, {
    now,
    ...(options.passwordCost ? { passwordCost: options.passwordCost } : {}),
  });
  const sessions = new SessionStore(options.db, { ttlMs: options.sessionTtlMs ?? DEFAULT_TTL_MS, now });
  const windowMs = options.loginLimit?.windowMs ?? DEFAULT_WINDOW_MS;
  const limits = {
    username: new AttemptLimiter({ max: options.loginLimit?.perUsername ?? 5, windowMs, now }),
    ip: new AttemptLimiter({ max: options.loginLimit?.perIp ?? 20, windowMs, now }),
  };
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  // __Host- makes the browser insist on Secure, Path=/ and no Domain: no subdomain can plant it.
  const cookie: CookieSettings = {
    name: sessionCookieName(options.cookieSecure),
    secure: options.cookieSecure,
  };
  const active = new WeakMap<FastifyRequest, ActiveSession>();

  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);
  if (!app.hasReplyDecorator('helmet')) {
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: { useDefaults: false, directives: { ...CSP, ...options.cspDirectives } },
      // HSTS over plain http would be ignored anyway, and would pin a dev host to https.
      strictTransportSecurity: options.cookieSecure ? { maxAge: 31_536_000 } : false,
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    });
  }

  app.decorate('auth', { users, sessions });
  app.decorateRequest('user', null);
  app.decorate('requirePermission', (permission: Permission): PermissionHook => {
    return async (request, reply) => {
      if (!request.user) return authError(reply, 401, AuthErrorCode.UNAUTHENTICATED, 'Connexion requise.');
      if (!can(request.user.role, permission)) {
        return authError(reply, 403, AuthErrorCode.FORBIDDEN, 'Votre rôle ne donne pas accès à cette fonction.');
      }
      return undefined;
    };
  });

  app.addHook('onRequest', async (request, reply) => {
    const id = request.cookies[cookie.name];
    const session = id ? await sessions.lookup(id) : undefined;
    if (session) {
      request.user = session.user;
      active.set(request, session);
    }
    if (!UNSAFE_METHODS.has(request.method)) return undefined;
    if (isCrossSite(request, allowedOrigins)) {
      return authError(reply, 403, AuthErrorCode.CROSS_SITE, 'Requête refusée : elle vient d’un autre site.');
    }
    // Without a session there is nothing to forge; the route's own permission check answers 401.
    if (session && request.routeOptions.url !== LOGIN_PATH && !csrfTokenMatches(request, session.csrfToken)) {
      return authError(reply, 403, AuthErrorCode.CSRF, `Jeton anti-CSRF absent ou invalide (en-tête ${CSRF_HEADER}).`);
    }
    return undefined;
  });

  registerAuthRoutes(app, { users, sessions, limits, cookie, active });
}

/**
 * Register with `await app.register(authPlugin, options)` before the routes it protects. Not
 * encapsulated (fastify-plugin): its hooks and decorators must reach the routes registered beside it.
 */
export const authPlugin: FastifyPluginAsync<AuthPluginOptions> = fastifyPlugin(auth, {
  name: 'triporteur-auth',
  fastify: '5.x',
});
