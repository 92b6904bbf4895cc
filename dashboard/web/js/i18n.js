// French first, English on request. The dictionaries are plain JSON next to the page (web/i18n/);
// the choice is kept in localStorage so it survives a reload and the next visit.

export const LANGUAGES = ['fr', 'en'];
const STORAGE_KEY = 'triporteur.lang';

function storedLanguage() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(value) ? value : 'fr';
  } catch {
    // Storage can be refused (private mode, policies): French then.
    return 'fr';
  }
}

function rememberLanguage(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not kept across reloads, but the page still switches.
  }
}

async function loadBundle(name) {
  const response = await fetch(`/i18n/${name}.json`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`dictionary ${name}: HTTP ${response.status}`);
  return response.json();
}

/** The shared words (i18n/fr.json) and, for a page with its own, i18n/<page>.fr.json on top. */
async function loadDictionary(lang, page) {
  const bundles = await Promise.all([loadBundle(lang), ...(page ? [loadBundle(`${page}.${lang}`)] : [])]);
  return Object.assign({}, ...bundles);
}

/** Formatters built once per language, so a live update does not build new Intl objects. */
function formattersFor(locale) {
  return {
    integer: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
    oneDecimal: new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    coordinate: new Intl.NumberFormat(locale, { minimumFractionDigits: 4, maximumFractionDigits: 4 }),
    percent: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
    dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }),
    collator: new Intl.Collator(locale, { numeric: true, sensitivity: 'base' }),
  };
}

export class I18n {
  /** `page` names the page's own dictionary (i18n/<page>.<lang>.json); the fleet view has none. */
  constructor(page) {
    this.page = page;
  }

  lang = 'fr';
  dictionary = {};
  format = formattersFor('fr-FR');
  listeners = [];

  async init() {
    await this.use(storedLanguage(), false);
  }

  async use(lang, remember = true) {
    const dictionary = await loadDictionary(lang, this.page);
    this.lang = lang;
    this.dictionary = dictionary;
    this.format = formattersFor(dictionary.locale ?? lang);
    if (remember) rememberLanguage(lang);
    document.documentElement.lang = lang;
    document.title = this.t('title');
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = this.t(node.dataset.i18n);
    for (const node of document.querySelectorAll('[data-i18n-label]'))
      node.setAttribute('aria-label', this.t(node.dataset.i18nLabel));
    for (const listener of this.listeners) listener();
  }

  /** Called after every language change, once the page's static texts are replaced. */
  onChange(listener) {
    this.listeners.push(listener);
  }

  t(key, vars = {}) {
    const text = this.dictionary[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  }
}
