// The mediators' location pause from the unit page (CNIL délibération 2015-165): one button that asks
// the unit to stop or resume sending positions (the location-pause command). The unit answers with
// its whole privacy state, so the page shows what the unit holds: outside the working hours a resume
// is refused by the schedule, and the page says so rather than pretending.

import { el } from './dom.js';
import { api } from './session.js';
import { problemText } from './unit-format.js';

export class LocationPauseControl {
  constructor(section, i18n, unitId) {
    this.i18n = i18n;
    this.unitId = unitId;
    this.paused = false;
    this.message = null;
    this.button = el('button', { type: 'button', id: 'pause-localisation', class: 'action' });
    this.status = el('p', { id: 'pause-localisation-etat', class: 'command-result', role: 'status' });
    this.button.addEventListener('click', () => this.send(!this.paused));
    section.append(el('div', { class: 'location-pause' }, [this.button, this.status]));
    i18n.onChange(() => this.render());
    this.render();
  }

  /** The live state: the position kind says paused, or the aux board's flag does. */
  fromState(state) {
    if (this.button.getAttribute('aria-disabled') === 'true') return;
    this.paused = state?.position?.values?.paused === true || state?.aux?.values?.pauseLocation === true;
    this.render();
  }

  async send(paused) {
    if (this.button.getAttribute('aria-disabled') === 'true') return;
    this.button.setAttribute('aria-disabled', 'true');
    this.message = { kind: 'pending', key: 'pause.pending' };
    this.render();
    try {
      const answer = await api(`/api/units/${encodeURIComponent(this.unitId)}/commands/location-pause`, {
        method: 'POST',
        body: { paused },
      });
      if (answer.ok && answer.body.ok) {
        const result = answer.body.result;
        this.paused = result.paused;
        const key = result.paused ? (paused ? 'pause.done' : 'pause.outsideHours') : 'pause.resumed';
        this.message = { kind: 'ok', key };
      } else {
        // HTTP 200 with ok:false is the unit's own refusal (EDG_*); anything else the server's (DSH_*).
        const problem = answer.ok ? answer.body.error : answer.body;
        this.message = { kind: 'error', key: 'pause.failed', problem: problemText(this.i18n, problem, answer.status) };
      }
    } finally {
      this.button.removeAttribute('aria-disabled');
      this.render();
    }
  }

  render() {
    const t = (key, vars) => this.i18n.t(key, vars);
    this.button.textContent = t(this.paused ? 'pause.resume' : 'pause.pause');
    this.button.dataset.paused = String(this.paused);
    if (!this.message) {
      this.status.replaceChildren();
      delete this.status.dataset.kind;
      return;
    }
    this.status.dataset.kind = this.message.kind;
    this.status.replaceChildren(t(this.message.key, { problem: this.message.problem ?? '' }));
  }
}
