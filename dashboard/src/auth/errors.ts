import type { FastifyReply } from 'fastify';

/**
 * Stable codes for authentication and authorisation. Never reuse a code; add new ones at the end.
 * Messages are French: they reach the person at the browser or the terminal.
 */
export const AuthErrorCode = {
  /** No valid session: log in first. */
  UNAUTHENTICATED: 'DSH_AUTH_UNAUTHENTICATED',
  /** The session's role does not hold the route's permission. */
  FORBIDDEN: 'DSH_AUTH_FORBIDDEN',
  /** A state-changing request without the session's x-csrf-token. */
  CSRF: 'DSH_AUTH_CSRF',
  /** A state-changing request sent from another site (Origin / Sec-Fetch-Site). */
  CROSS_SITE: 'DSH_AUTH_CROSS_SITE',
  /** Unknown user, wrong password or disabled account: one answer for all three. */
  BAD_CREDENTIALS: 'DSH_AUTH_BAD_CREDENTIALS',
  RATE_LIMITED: 'DSH_AUTH_RATE_LIMITED',
  /** The login body is not {username, password} strings. */
  BAD_REQUEST: 'DSH_AUTH_BAD_REQUEST',
  /** Cookies without Secure are only for a browser on the same machine (http://127.0.0.1). */
  INSECURE_TRANSPORT: 'DSH_AUTH_INSECURE_TRANSPORT',
  WEAK_PASSWORD: 'DSH_AUTH_WEAK_PASSWORD',
  BAD_USERNAME: 'DSH_AUTH_BAD_USERNAME',
  BAD_ROLE: 'DSH_AUTH_BAD_ROLE',
  USER_EXISTS: 'DSH_AUTH_USER_EXISTS',
  UNKNOWN_USER: 'DSH_AUTH_UNKNOWN_USER',
  /** Disabling or demoting the last active admin would lock everyone out of user management. */
  LAST_ADMIN: 'DSH_AUTH_LAST_ADMIN',
  /** create-admin when an active admin exists, without --force. */
  ADMIN_EXISTS: 'DSH_AUTH_ADMIN_EXISTS',
  /** No password could be read (empty stdin, no terminal). */
  NO_PASSWORD: 'DSH_AUTH_NO_PASSWORD',
} as const;

export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isAuthError(err: unknown, code?: AuthErrorCode): err is AuthError {
  return err instanceof AuthError && (code === undefined || err.code === code);
}

/** The JSON body of every auth refusal. */
export interface AuthErrorBody {
  code: AuthErrorCode;
  message: string;
}

/** Sends a coded refusal; never cached, since it depends on who asks. */
export function authError(reply: FastifyReply, status: number, code: AuthErrorCode, message: string): FastifyReply {
  const body: AuthErrorBody = { code, message };
  return reply.code(status).header('cache-control', 'no-store').send(body);
}
