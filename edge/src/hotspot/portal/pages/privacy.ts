import { html } from '../html.js';
import { layout, type PageContext } from './layout.js';

/** The GDPR article 13 notice: controller, data, purposes and bases, retention, recipients, rights, CNIL. */
export function renderPrivacy(ctx: PageContext): string {
  const { t, config } = ctx;
  const vars = { association: config.venue.associationName, contact: config.venue.contact };
  const section = (id: string, heading: string, body: ReturnType<typeof html>) =>
    html`<section aria-labelledby="${id}"><h2 id="${id}">${t(heading)}</h2>${body}</section>`;
  const purposes = ['privacy.purposeAccess', 'privacy.purposeLog', 'privacy.purposeStats'].map(
    (key) => html`<li>${t(key)}</li>`,
  );
  const survey = config.questionnaire.enabled ? html`<p>${t('privacy.questionnaire')}</p>` : '';
  const main = html`<h1>${t('privacy.heading')}</h1>${[
    section('controller', 'privacy.controllerHeading', html`<p>${t('privacy.controller', vars)}</p>`),
    section('data', 'privacy.dataHeading', html`<p>${t('privacy.data')}</p>`),
    section(
      'purposes',
      'privacy.purposesHeading',
      html`<ul class="plain">${purposes}</ul>${survey}<p>${t('privacy.required')}</p>`,
    ),
    section('retention', 'privacy.retentionHeading', html`<p>${t('privacy.retention')}</p>`),
    section('recipients', 'privacy.recipientsHeading', html`<p>${t('privacy.recipients')}</p>`),
    section('rights', 'privacy.rightsHeading', html`<p>${t('privacy.rights', vars)}</p>`),
    section('complaint', 'privacy.complaintHeading', html`<p>${t('privacy.complaint')}</p>`),
  ]}`;
  return layout(ctx, { title: t('privacy.heading'), path: '/privacy', main });
}
