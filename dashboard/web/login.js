// Sends the login as JSON (the API's only form) and goes to the fleet page; the session cookie is
// HttpOnly, so this script never sees it. Messages come from the server, in French.

const form = document.getElementById('login');

/** Back to the page that sent here (?next=), only ever a path on this site; else the home page. */
function returnPath() {
  const next = new URLSearchParams(window.location.search).get('next') ?? '';
  return next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/';
}
const error = document.getElementById('login-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const data = new FormData(form);
  const body = JSON.stringify({ username: data.get('username'), password: data.get('password') });
  try {
    const res = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (res.ok) {
      window.location.assign(returnPath());
      return;
    }
    const answer = await res.json().catch(() => ({}));
    error.textContent = answer.message ?? 'La connexion a échoué.';
  } catch {
    error.textContent = 'Le serveur ne répond pas. Réessayez dans un instant.';
  }
  error.hidden = false;
});
