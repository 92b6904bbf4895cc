// The header's links between the views, shown by permission: a funder (viewer) sees the reports only.

import { el } from './dom.js';
import { can } from './session.js';

const LINKS = [
  { href: '/', key: 'nav.fleet', permission: 'fleet:view' },
  { href: '/alerts.html', key: 'nav.alerts', permission: 'fleet:view' },
  { href: '/reports.html', key: 'nav.reports', permission: 'reports:view' },
];

/** Fills `<nav id="navigation">` and marks the current page with aria-current. */
export function mountNavigation(container, session, i18n) {
  const here = window.location.pathname;
  const list = el('ul', { class: 'nav-links' });
  const labels = [];
  for (const link of LINKS) {
    if (!can(session, link.permission)) continue;
    const anchor = el('a', { href: link.href });
    if (here === link.href || (link.href === '/' && here === '/index.html'))
      anchor.setAttribute('aria-current', 'page');
    labels.push([anchor, link.key]);
    list.append(el('li', {}, [anchor]));
  }
  const logout = el('button', { type: 'button', class: 'logout' });
  logout.addEventListener('click', async () => {
    const { csrfToken } = session;
    await fetch('/api/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken } });
    window.location.assign('/login.html');
  });
  const who = el('span', { class: 'who' });
  const refresh = () => {
    for (const [anchor, key] of labels) anchor.textContent = i18n.t(key);
    logout.textContent = i18n.t('nav.logout');
    who.textContent = i18n.t('nav.who', { name: session.user.displayName, role: i18n.t(`role.${session.user.role}`) });
  };
  container.replaceChildren(list, el('div', { class: 'account' }, [who, logout]));
  container.hidden = false;
  refresh();
  i18n.onChange(refresh);
}
