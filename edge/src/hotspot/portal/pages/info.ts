import { html } from '../html.js';
import { layout, type PageContext } from './layout.js';

/** Who runs the tricycle, how to reach them, and the public services residents most often need. */
export function renderInfo(ctx: PageContext): string {
  const { t, config } = ctx;
  const { venue } = config;
  const services = venue.publicServices.map((s) => html`<li><a href="${s.url}" rel="noreferrer">${s.label}</a></li>`);
  const address = venue.address ? html`<p>${t('info.address', { address: venue.address })}</p>` : '';
  const main = html`<h1>${t('info.heading')}</h1><p>${t('info.runBy', { association: venue.associationName })}</p><p>${t('info.mediation')}</p><p>${t('info.contact', { contact: venue.contact })}</p>${address}<section aria-labelledby="services"><h2 id="services">${t('info.servicesHeading')}</h2><p class="note">${t('info.servicesNote')}</p><ul class="plain">${services}</ul></section>`;
  return layout(ctx, { title: t('info.heading'), path: '/info', main });
}
