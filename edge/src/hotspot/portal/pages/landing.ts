import type { ClientView } from '../../gate.js';
import { type Html, html } from '../html.js';
import { QUESTION_IDS, QUESTIONS } from '../questionnaire.js';
import { formatDuration, layout, type PageContext, pageHref } from './layout.js';

export interface LandingState {
  view: ClientView;
  uplinkUp: boolean;
  csrfToken: string;
  /** Shown above the form when a tap came with an expired or foreign token. */
  expired?: boolean;
}

export function uplinkBanner(ctx: PageContext): Html {
  return html`<div class="box alert" role="status"><p><strong>${ctx.t('uplink.heading')}</strong></p><p>${ctx.t('uplink.body')}</p></div>`;
}

/**
 * The session's own end, which activity does not move; after login also the idle rule (the landing page's
 * charter already states it), so no session ends unannounced.
 */
export function remainingLine(ctx: PageContext, view: ClientView, options: { idleRule: boolean }): Html | '' {
  const left = view.sessionSecondsRemaining ?? view.secondsRemaining;
  if (left === undefined) return '';
  const remaining = html`<p>${ctx.t('status.remaining', { time: formatDuration(ctx.t, left) })}</p>`;
  if (!options.idleRule) return remaining;
  return html`${remaining}<p>${ctx.t('status.idle', { idle: formatDuration(ctx.t, ctx.config.idleTimeoutS) })}</p>`;
}

function questionnaire(ctx: PageContext): Html | '' {
  if (!ctx.config.questionnaire.enabled) return '';
  const fieldsets = QUESTION_IDS.map((q) => {
    const options = QUESTIONS[q].map(
      (option) => html`<label><input type="radio" name="${q}" value="${option}">${ctx.t(`q.${q}.${option}`)}</label>`,
    );
    return html`<fieldset><legend>${ctx.t(`q.${q}.legend`)}</legend>${options}</fieldset>`;
  });
  return html`<details><summary>${ctx.t('q.heading')}</summary><p class="note">${ctx.t('q.intro')}</p>${fieldsets}</details>`;
}

function loginForm(ctx: PageContext, token: string): Html {
  return html`<form method="post" action="/login"><input type="hidden" name="csrf" value="${token}"><input type="hidden" name="lang" value="${ctx.lang}">${questionnaire(ctx)}<button type="submit">${ctx.t('login.button')}</button><p class="note">${ctx.t('login.consent')}</p></form>`;
}

export function renderLanding(ctx: PageContext, state: LandingState): string {
  const { t, config } = ctx;
  const charter = ['charter.free', 'charter.respect', 'charter.share', 'charter.security', 'charter.help'].map(
    (key) => html`<li>${t(key)}</li>`,
  );
  const session = t('charter.session', {
    session: formatDuration(t, config.sessionTimeoutS),
    idle: formatDuration(t, config.idleTimeoutS),
  });
  const status = state.view.accepted
    ? html`<div class="box ok" role="status"><p>${t('status.connected')}</p>${remainingLine(ctx, state.view, { idleRule: false })}</div>`
    : '';
  const expired = state.expired ? html`<div class="box error" role="alert"><p>${t('csrf.expired')}</p></div>` : '';
  const main = html`<h1>${t('landing.heading')}</h1><p>${t('landing.intro', { association: config.venue.associationName })}</p>${state.uplinkUp ? '' : uplinkBanner(ctx)}${status}${expired}<section aria-labelledby="charter"><h2 id="charter">${t('charter.heading')}</h2><ul class="plain">${charter}</ul><p>${session}</p></section><section aria-labelledby="data"><h2 id="data">${t('privacy.summaryHeading')}</h2><p>${t('privacy.summary')}</p><a href="${pageHref('/privacy', ctx.lang)}">${t('privacy.readMore')}</a></section>${state.view.accepted ? '' : loginForm(ctx, state.csrfToken)}`;
  return layout(ctx, { title: t('landing.title'), path: '/', main });
}
