import { type Catalogs, RTL_LANGUAGES, type Translate } from '../catalog.js';
import type { PortalConfig, PortalLanguage } from '../config.js';
import { type Html, html, trusted } from '../html.js';
import { PORTAL_CSS } from '../style.js';

/** What every page needs: the resident's language, its catalog, and the venue it names. */
export interface PageContext {
  lang: PortalLanguage;
  t: Translate;
  catalogs: Catalogs;
  config: Readonly<PortalConfig>;
}

export type PortalPath = '/' | '/privacy' | '/info';

export const pageHref = (path: PortalPath, lang: PortalLanguage) => `${path}?lang=${lang}`;

function languagePicker(ctx: PageContext, path: PortalPath): Html {
  const items = ctx.config.languages.map((lang) => {
    const dir = RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr';
    const current = lang === ctx.lang ? html` aria-current="page"` : '';
    const name = ctx.catalogs[lang]['lang.name'] ?? lang;
    return html`<li><a href="${pageHref(path, lang)}" hreflang="${lang}" lang="${lang}" dir="${dir}"${current}>${name}</a></li>`;
  });
  return html`<nav aria-label="${ctx.t('nav.languages')}"><ul class="langs">${items}</ul></nav>`;
}

function pageLinks(ctx: PageContext): Html {
  const links: [PortalPath, string][] = [
    ['/', 'nav.home'],
    ['/info', 'nav.info'],
    ['/privacy', 'nav.privacy'],
  ];
  const items = links.map(([path, key]) => html`<li><a href="${pageHref(path, ctx.lang)}">${ctx.t(key)}</a></li>`);
  return html`<nav aria-label="${ctx.t('nav.main')}"><ul>${items}</ul></nav>`;
}

/** The page shell: lang and dir on <html>, one <main>, the picker in the header, page links in the footer. */
export function layout(ctx: PageContext, page: { title: string; path: PortalPath; main: Html }): string {
  const dir = RTL_LANGUAGES.has(ctx.lang) ? 'rtl' : 'ltr';
  const brand = `${ctx.t('site.name')} · ${ctx.config.venue.associationName}`;
  return `<!doctype html>${html`<html lang="${ctx.lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${page.title}</title><style>${trusted(PORTAL_CSS)}</style></head><body><header><p class="brand">${brand}</p>${languagePicker(ctx, page.path)}</header><main>${page.main}</main><footer>${pageLinks(ctx)}</footer></body></html>`}`;
}

/** "2 h 5 min" in the resident's language; rounds up so "0 min" is never shown while time is left. */
export function formatDuration(t: Translate, seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h > 0 && m > 0) return t('time.hm', { h, m });
  return h > 0 ? t('time.h', { h }) : t('time.m', { m });
}
