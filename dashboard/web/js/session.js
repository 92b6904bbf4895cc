// Who is signed in, for the pages that need it: their role decides which links and panels show.
// The server enforces every permission anyway; hiding is only so nobody is shown a door that is shut.

let current;

/** The session from /api/me; without one, the browser goes to the login page and comes back here. */
export function currentSession() {
  current ??= fetch('/api/me', { credentials: 'same-origin' }).then(async (response) => {
    if (response.status === 401) {
      const back = `${window.location.pathname}${window.location.search}`;
      window.location.assign(`/login.html?next=${encodeURIComponent(back)}`);
      return new Promise(() => {});
    }
    if (!response.ok) throw new Error(`/api/me: HTTP ${response.status}`);
    return response.json();
  });
  return current;
}

export function can(session, permission) {
  return session.user.permissions.includes(permission);
}

/**
 * fetch for the API with the session's CSRF token on state-changing requests. Answers with
 * `{ ok, status, body }`; the body is the JSON answer, or `{ code, message }` when there was none.
 */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['x-csrf-token'] = (await currentSession()).csrfToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    return { ok: false, status: 0, body: { code: 'NETWORK', message: '' } };
  }
  const answer = await response.json().catch(() => ({ code: `HTTP_${response.status}`, message: '' }));
  return { ok: response.ok, status: response.status, body: answer };
}
