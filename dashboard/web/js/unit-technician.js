// The technician's panel: diagnostics, raw capture, config read/write (POST /api/units/:id/commands/*)
// and the unit's latest warnings. Shown only with 'commands:send'; the server refuses everyone else
// anyway. Arguments are checked here first, with the error next to the field, so a typo never goes
// over the 4G link; whatever the server or the unit answers is shown inline with its code.

import { el } from './dom.js';
import { api } from './session.js';
import { UnitEvents } from './unit-events.js';
import { bytes, problemText } from './unit-format.js';
import { text } from './unit-range.js';

/** The edge's config key syntax (edge/src/contract/commands.ts ConfigKeySchema). */
const CONFIG_KEY = /^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/;
const MAX_KEY_LENGTH = 100;
/** A doctor check's status (edge/src/doctor/check.ts) → its label. */
const CHECK_STATE = { pass: 'tech.checkOk', warn: 'tech.checkWarn', fail: 'tech.checkFailed' };

/** Problems with the arguments, as dictionary keys per field; empty when they can be sent. */
export function configProblems(key, rawValue, needValue) {
  const problems = {};
  const trimmed = key.trim();
  if (trimmed === '') problems.key = 'tech.error.keyRequired';
  else if (trimmed.length > MAX_KEY_LENGTH || !CONFIG_KEY.test(trimmed)) problems.key = 'tech.error.keyInvalid';
  if (needValue) {
    if (rawValue.trim() === '') problems.value = 'tech.error.valueRequired';
    else {
      try {
        JSON.parse(rawValue);
      } catch {
        problems.value = 'tech.error.valueJson';
      }
    }
  }
  return problems;
}

export function captureProblems(port, seconds) {
  const problems = {};
  if (port.trim() === '') problems.port = 'tech.error.portRequired';
  if (seconds.trim() !== '') {
    const n = Number(seconds);
    if (!Number.isInteger(n) || n < 1 || n > 3600) problems.seconds = 'tech.error.seconds';
  }
  return problems;
}

export class TechnicianPanel {
  constructor(container, i18n, unitId) {
    this.i18n = i18n;
    this.unitId = unitId;
    this.fields = new Map();
    const events = el('div', { class: 'tech-block tech-events' });
    container.replaceChildren(
      el('div', { class: 'tech-grid' }, [this.diagnostics(), this.capture(), this.config()]),
      events,
    );
    this.events = new UnitEvents(events, i18n, unitId);
    this.events.load();
  }

  /** An input with its label and its own error line, wired with aria-describedby. */
  field(id, labelKey, control, hintKey) {
    const errorId = `${id}-erreur`;
    const hintId = `${id}-aide`;
    control.setAttribute('id', id);
    control.setAttribute('aria-describedby', hintKey ? `${hintId} ${errorId}` : errorId);
    const error = el('p', { id: errorId, class: 'field-error', hidden: '' });
    this.fields.set(id, { control, error });
    return el('div', { class: 'field' }, [
      text(this.i18n, 'label', labelKey, { for: id }),
      ...(hintKey ? [text(this.i18n, 'p', hintKey, { id: hintId, class: 'field-hint' })] : []),
      control,
      error,
    ]);
  }

  showProblems(problems, ids) {
    let first;
    for (const [name, id] of Object.entries(ids)) {
      const { control, error } = this.fields.get(id);
      const key = problems[name];
      control.setAttribute('aria-invalid', String(key !== undefined));
      error.hidden = key === undefined;
      if (key) {
        error.dataset.i18n = key;
        error.textContent = this.i18n.t(key);
        first ??= control;
      } else {
        error.removeAttribute('data-i18n');
        error.textContent = '';
      }
    }
    first?.focus();
    return first === undefined;
  }

  button(id, key) {
    return text(this.i18n, 'button', key, { type: 'button', class: 'action', id });
  }

  result(id) {
    return el('div', { class: 'command-result', id, 'aria-live': 'polite' });
  }

  /**
   * Sends one command, showing progress and the outcome in `out`. Returns the unit's result, or
   * undefined after showing why there is none. `button` ignores clicks while the command runs.
   */
  async send(name, args, out, button) {
    if (button.getAttribute('aria-disabled') === 'true') return undefined;
    button.setAttribute('aria-disabled', 'true');
    out.dataset.kind = 'pending';
    out.replaceChildren(this.i18n.t('tech.pending'));
    try {
      const answer = await api(`/api/units/${encodeURIComponent(this.unitId)}/commands/${name}`, {
        method: 'POST',
        body: args,
      });
      if (answer.ok && answer.body.ok) return answer.body.result;
      // HTTP 200 with ok:false is the unit's own refusal (EDG_*); anything else the server's (DSH_*).
      const problem = answer.ok ? answer.body.error : answer.body;
      out.dataset.kind = 'error';
      out.replaceChildren(this.i18n.t('tech.failed', { problem: problemText(this.i18n, problem, answer.status) }));
      return undefined;
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }

  done(out, message) {
    out.dataset.kind = 'ok';
    out.replaceChildren(message);
  }

  diagnostics() {
    const i18n = this.i18n;
    const run = this.button('tech-diagnostic', 'tech.runDiagnostics');
    const out = this.result('tech-diagnostic-resultat');
    run.addEventListener('click', async () => {
      const result = await this.send('run-diagnostics', {}, out, run);
      if (!result) return;
      const failed = result.checks.filter((c) => !c.ok).length;
      // Units with doctor add status, code, title and fix; older ones send name, ok and detail only.
      const items = result.checks.map((check) => {
        const status = check.status ?? (check.ok ? 'pass' : 'fail');
        return el('li', { 'data-ok': String(check.ok), 'data-status': status }, [
          el('span', { class: 'check-state' }, [i18n.t(CHECK_STATE[status] ?? 'tech.checkFailed')]),
          ` ${check.title ?? check.name}`,
          ...(check.code && check.code !== 'DOC_OK' ? [' ', el('code', {}, [check.code])] : []),
          ...(check.detail ? [` — ${check.detail}`] : []),
          ...(check.fix ? [el('p', { class: 'check-fix' }, [i18n.t('tech.checkFix', { fix: check.fix })])] : []),
        ]);
      });
      this.done(
        out,
        el('div', {}, [
          el('p', {}, [result.ok ? i18n.t('tech.allOk') : i18n.t('tech.someFailed', { count: failed })]),
          el('ul', { class: 'checks' }, items),
        ]),
      );
    });
    return el('section', { class: 'tech-block', 'aria-labelledby': 'tech-diagnostic-titre' }, [
      text(i18n, 'h3', 'tech.diagnosticsTitle', { id: 'tech-diagnostic-titre' }),
      run,
      out,
    ]);
  }

  capture() {
    const i18n = this.i18n;
    const port = el('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
    const seconds = el('input', {
      type: 'number',
      min: '1',
      max: '3600',
      step: '1',
      value: '60',
      inputmode: 'numeric',
    });
    const start = this.button('tech-capture-start', 'tech.captureStart');
    const stop = this.button('tech-capture-stop', 'tech.captureStop');
    const out = this.result('tech-capture-resultat');
    const ids = { port: 'tech-port', seconds: 'tech-secondes' };
    const describe = (key, result) => i18n.t(key, { file: result.file, size: bytes(i18n, result.bytes) });
    start.addEventListener('click', async () => {
      if (!this.showProblems(captureProblems(port.value, seconds.value), ids)) return;
      const args = { port: port.value.trim(), ...(seconds.value.trim() ? { seconds: Number(seconds.value) } : {}) };
      const result = await this.send('capture-start', args, out, start);
      if (result) this.done(out, describe('tech.captureStarted', result));
    });
    stop.addEventListener('click', async () => {
      const result = await this.send('capture-stop', {}, out, stop);
      if (result) this.done(out, describe('tech.captureStopped', result));
    });
    return el('section', { class: 'tech-block', 'aria-labelledby': 'tech-capture-titre' }, [
      text(i18n, 'h3', 'tech.captureTitle', { id: 'tech-capture-titre' }),
      this.field(ids.port, 'tech.port', port, 'tech.portHint'),
      this.field(ids.seconds, 'tech.seconds', seconds),
      el('div', { class: 'button-row' }, [start, stop]),
      out,
    ]);
  }

  config() {
    const i18n = this.i18n;
    const key = el('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
    const value = el('textarea', { rows: '4', spellcheck: 'false' });
    const read = this.button('tech-config-get', 'tech.configGet');
    const save = this.button('tech-config-set', 'tech.configSet');
    const out = this.result('tech-config-resultat');
    const ids = { key: 'tech-cle', value: 'tech-valeur' };
    read.addEventListener('click', async () => {
      if (!this.showProblems(configProblems(key.value, value.value, false), ids)) return;
      const result = await this.send('config-get', { key: key.value.trim() }, out, read);
      if (!result) return;
      value.value = JSON.stringify(result.value, null, 2);
      this.done(out, i18n.t(result.value === null ? 'tech.configUnset' : 'tech.configRead', { key: result.key }));
    });
    save.addEventListener('click', async () => {
      if (!this.showProblems(configProblems(key.value, value.value, true), ids)) return;
      const args = { key: key.value.trim(), value: JSON.parse(value.value) };
      const result = await this.send('config-set', args, out, save);
      if (!result) return;
      const restart = result.restart ? i18n.t(`tech.subsystem.${result.restart}`) : i18n.t('tech.theService');
      const key2 = result.applied
        ? 'tech.configApplied'
        : result.restartRequired
          ? 'tech.configRestart'
          : 'tech.configSaved';
      this.done(out, i18n.t(key2, { key: result.key, subsystem: restart }));
    });
    return el('section', { class: 'tech-block', 'aria-labelledby': 'tech-config-titre' }, [
      text(i18n, 'h3', 'tech.configTitle', { id: 'tech-config-titre' }),
      this.field(ids.key, 'tech.key', key),
      this.field(ids.value, 'tech.value', value, 'tech.valueHint'),
      el('div', { class: 'button-row' }, [read, save]),
      out,
    ]);
  }
}
