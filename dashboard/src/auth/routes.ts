import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthErrorCode, authError } from './errors.js';
import { isLoopbackHost } from './guards.js';
import type { AttemptLimiter } from './limiter.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';
import { permissionsOf } from './roles.js';
import type { ActiveSession, SessionStore } from './sessions.js';
import { type User, type UserStore, usernameKey } from './users.js';

export const LOGIN_PATH = '/api/login';
export const LOGOUT_PATH = '/api/logout';
export const ME_PATH = '/api/me';

export interface CookieSettings {
  name: string;
  secure: boolean;
}

export interface RouteDeps {
  users: UserStore;
  sessions: SessionStore;
  limits: { username: AttemptLimiter; ip: AttemptLimiter };
  cookie: CookieSettings;
  active: WeakMap<FastifyRequest, ActiveSession>;
}

/** Every refusal from the auth plugin and from `requirePermission`. */
export const AuthErrorSchema = Type.Object({ code: Type.String(), message: Type.String() });

export const PublicUserSchema = Type.Object({
  id: Type.Number(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  permissions: Type.Array(Type.String()),
});

const SessionBodySchema = Type.Object({
  user: PublicUserSchema,
  /** Send it back as the x-csrf-token header on every POST/PUT/PATCH/DELETE. */
  csrfToken: Type.String(),
  expiresAt: Type.Number(),
});

const LoginBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 254 }),
    // UTF-16 units: room for MAX_PASSWORD_LENGTH code points outside the BMP.
    password: Type.String({ minLength: 1, maxLength: 2 * MAX_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);

export function publicUser(user: User): Static<typeof PublicUserSchema> {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    permissions: permissionsOf(user.role),
  };
}

function retryMessage(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `Trop de tentatives de connexion. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`;
}

export function registerAuthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { users, sessions, limits, cookie, active } = deps;
  const cookieOptions = { path: '/', httpOnly: true, secure: cookie.secure, sameSite: 'strict' } as const;

  const clearCookie = (reply: FastifyReply) => reply.clearCookie(cookie.name, cookieOptions);

  app.post(
    LOGIN_PATH,
    {
      attachValidation: true,
      schema: {
        body: LoginBodySchema,
        response: {
          200: SessionBodySchema,
          400: AuthErrorSchema,
          401: AuthErrorSchema,
          403: AuthErrorSchema,
          429: AuthErrorSchema,
        },
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        return authError(reply, 400, AuthErrorCode.BAD_REQUEST, 'Attendu : {"username": "…", "password": "…"}.');
      }
      if (!cookie.secure && !isLoopbackHost(request.hostname)) {
        return authError(
          reply,
          403,
          AuthErrorCode.INSECURE_TRANSPORT,
          'Connexion refusée : sans HTTPS, le tableau de bord ne s’ouvre que depuis http://127.0.0.1 sur ce serveur.',
        );
      }
      const { username, password } = request.body as Static<typeof LoginBodySchema>;
      const ipKey = request.ip ?? 'unknown';
      const userKey = usernameKey(username) ?? username.toLowerCase();
      const waitMs = Math.max(limits.ip.lockedFor(ipKey), limits.username.lockedFor(userKey));
      if (waitMs > 0) {
        request.log.warn({ module: 'auth' }, 'login refused: too many attempts');
        reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
        return authError(reply, 429, AuthErrorCode.RATE_LIMITED, retryMessage(waitMs));
      }
      limits.ip.hit(ipKey);
      limits.username.hit(userKey);

      const result = await users.verifyLogin(username, password);
      if (!result.ok) {
        // The typed name is not logged: people sometimes type their password into it.
        request.log.warn({ module: 'auth', userId: result.userId ?? null }, 'login refused: bad credentials');
        return authError(reply, 401, AuthErrorCode.BAD_CREDENTIALS, 'Identifiant ou mot de passe incorrect.');
      }
      limits.username.clear(userKey);
      limits.ip.forgive(ipKey);

      // A fresh id at every login: a session id known before login is worth nothing after it.
      const previous = request.cookies[cookie.name];
      if (previous) await sessions.revoke(previous);
      await sessions.expire();
      const session = await sessions.create(result.user.id);
      request.log.info({ module: 'auth', userId: result.user.id }, 'login');
      return reply
        .header('cache-control', 'no-store')
        .setCookie(cookie.name, session.id, { ...cookieOptions, expires: new Date(session.expiresAt) })
        .send({ user: publicUser(result.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt });
    },
  );

  app.post(LOGOUT_PATH, { schema: { response: { 204: Type.Null() } } }, async (request, reply) => {
    const id = request.cookies[cookie.name];
    if (id && active.has(request)) {
      await sessions.revoke(id);
      request.log.info({ module: 'auth', userId: request.user?.id ?? null }, 'logout');
    }
    return clearCookie(reply).header('cache-control', 'no-store').code(204).send();
  });

  app.get(
    ME_PATH,
    { schema: { response: { 200: SessionBodySchema, 401: AuthErrorSchema } } },
    async (request, reply) => {
      const session = active.get(request);
      if (!session) return authError(reply, 401, AuthErrorCode.UNAUTHENTICATED, 'Connexion requise.');
      return reply
        .header('cache-control', 'no-store')
        .send({ user: publicUser(session.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt });
    },
  );
}
