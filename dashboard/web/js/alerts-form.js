// The filter form of the alerts view: filled from the URL, read back on submit, and the place where a
// bad date range is shown, next to its field, before any request is made.

import { el } from './dom.js';

const FIELDS = ['state', 'severity', 'unit', 'kind', 'from', 'to'];

export class AlertsFilterForm {
  constructor(form, i18n) {
    this.form = form;
    this.i18n = i18n;
    this.fields = Object.fromEntries(FIELDS.map((name) => [name, form.elements.namedItem(name)]));
    this.range = form.querySelector('#f-periode');
    this.units = [];
    this.errors = {};
    this.fields.state.addEventListener('change', () => this.showRange());
    i18n.onChange(() => {
      this.renderUnits();
      this.showErrors(this.errors);
    });
  }

  fill(filters) {
    this.ensureUnitOption(filters.unit);
    for (const name of FIELDS) this.fields[name].value = filters[name];
    this.showRange();
  }

  /** `{ filters, badInput }`: badInput marks date fields whose text the browser could not read as a date. */
  read() {
    const filters = Object.fromEntries(FIELDS.map((name) => [name, this.fields[name].value]));
    const badInput = { from: this.fields.from.validity.badInput, to: this.fields.to.validity.badInput };
    return { filters, badInput };
  }

  /** The range only filters the history; hidden for open alerts so nobody wonders why it does nothing. */
  showRange() {
    const history = this.fields.state.value !== 'open';
    this.range.hidden = !history;
    this.range.disabled = !history;
  }

  /** Marks each field in `errors` (name → dictionary key) and clears the others; answers the first bad field. */
  showErrors(errors) {
    this.errors = errors;
    let first = null;
    for (const name of ['from', 'to']) {
      const input = this.fields[name];
      const message = document.getElementById(`f-${name}-erreur`);
      const key = errors[name];
      message.hidden = !key;
      message.textContent = key ? this.i18n.t(key) : '';
      if (key) {
        input.setAttribute('aria-invalid', 'true');
        first ??= input;
      } else {
        input.removeAttribute('aria-invalid');
      }
    }
    return first;
  }

  setUnits(units) {
    this.units = units.map((u) => ({ id: u.id, name: u.name }));
    this.renderUnits();
  }

  /** A shared link may name a unit this list does not hold (removed since): keep it selectable. */
  ensureUnitOption(id) {
    if (id && !this.units.some((u) => u.id === id)) {
      this.units.push({ id, name: id });
      this.renderUnits();
    }
  }

  renderUnits() {
    const select = this.fields.unit;
    const chosen = select.value;
    const { collator } = this.i18n.format;
    const sorted = [...this.units].sort((a, b) => collator.compare(a.name, b.name));
    select.replaceChildren(
      el('option', { value: '' }, [this.i18n.t('filter.anyUnit')]),
      ...sorted.map((u) => el('option', { value: u.id }, [u.name])),
    );
    select.value = chosen;
  }
}
