import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/auth/roles.js';

export interface TestLogin {
  /** `name=value`, to send back in a cookie header. */
  cookie: string;
  /** The session's CSRF token, for the x-csrf-token header of state changes. */
  csrf: string;
}

/** Creates a user on an app with the auth plugin and logs in through the real route (inject). */
export async function loginAs(
  app: Pick<FastifyInstance, 'auth' | 'inject'>,
  username: string,
  role: Role,
): Promise<TestLogin> {
  const password = `mot-de-passe-de-${username}`;
  await app.auth.users.createUser({ username, password, role });
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const set = res.headers['set-cookie'];
  const cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0] ?? '';
  return { cookie, csrf: (res.json() as { csrfToken: string }).csrfToken };
}
