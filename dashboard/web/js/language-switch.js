// FR/EN buttons. aria-pressed tells which language is on; each button names its language in itself,
// so a screen reader says "English" in English even on the French page. The name starts with the
// visible code, so voice control users can say what they see (WCAG 2.5.3).

import { el } from './dom.js';

const NAMES = { fr: { label: 'FR', full: 'Français' }, en: { label: 'EN', full: 'English' } };

export function mountLanguageSwitch(container, i18n) {
  const buttons = Object.entries(NAMES).map(([lang, name]) => {
    const button = el(
      'button',
      { type: 'button', lang, 'aria-label': `${name.label} ${name.full}`, 'data-lang': lang },
      [name.label],
    );
    button.addEventListener('click', () => {
      if (i18n.lang !== lang) i18n.use(lang).catch((err) => console.error('language switch failed', err));
    });
    return button;
  });
  const refresh = () => {
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.lang === i18n.lang));
  };
  container.append(...buttons);
  container.hidden = false;
  refresh();
  i18n.onChange(refresh);
}
