import type { ClientView } from '../../gate.js';
import { html } from '../html.js';
import { remainingLine, uplinkBanner } from './landing.js';
import { layout, type PageContext, pageHref } from './layout.js';

/** After "Se connecter": the sheet may close at any moment, so nothing here is needed later. */
export function renderWelcome(ctx: PageContext, view: ClientView, uplinkUp: boolean): string {
  const { t } = ctx;
  const main = html`<h1>${t('welcome.heading')}</h1><div class="box ok" role="status"><p>${t('welcome.body')}</p>${remainingLine(ctx, view, { idleRule: true })}</div>${uplinkUp ? '' : uplinkBanner(ctx)}`;
  return layout(ctx, { title: t('welcome.title'), path: '/', main });
}

/** The honest answer to a probe from an accepted client while the 4G uplink is down. */
export function renderUplinkDown(ctx: PageContext): string {
  return layout(ctx, {
    title: ctx.t('uplink.heading'),
    path: '/',
    main: html`<h1>${ctx.t('uplink.heading')}</h1><p>${ctx.t('uplink.body')}</p>`,
  });
}

/** Every refusal: what happened in plain words, the code for the mediator, and the way back. */
export function renderRefusal(ctx: PageContext, page: { heading: string; body: string; code: string }): string {
  const { t } = ctx;
  const main = html`<h1>${t(page.heading)}</h1><div class="box error" role="alert"><p>${t(page.body)}</p><p>${t('error.code', { code: page.code })}</p></div><a href="${pageHref('/', ctx.lang)}">${t('error.back')}</a>`;
  return layout(ctx, { title: t(page.heading), path: '/', main });
}
