// The history's range picker: four presets, or a custom from/to checked in the browser before any
// request (from before to, 31 days at most), with the error next to the field it is about.

import { el } from './dom.js';
import { toLocalInput } from './unit-format.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const MAX_RANGE_MS = 31 * DAY_MS;

export const PRESETS = [
  { id: '6h', key: 'range.6h', spanMs: 6 * HOUR_MS },
  { id: '24h', key: 'range.24h', spanMs: DAY_MS },
  { id: '7d', key: 'range.7d', spanMs: 7 * DAY_MS },
  { id: '31d', key: 'range.31d', spanMs: MAX_RANGE_MS },
];

/** An element whose text follows the language: i18n.use() rewrites every [data-i18n]. */
export function text(i18n, tag, key, attrs = {}) {
  const node = el(tag, { ...attrs, 'data-i18n': key });
  node.textContent = i18n.t(key);
  return node;
}

/**
 * The custom range from the two `datetime-local` values, or the dictionary keys of what is wrong with
 * each field. Times are read in the browser's time zone, as typed.
 */
export function checkRange(fromValue, toValue) {
  const errors = {};
  const from = fromValue ? new Date(fromValue).getTime() : Number.NaN;
  const to = toValue ? new Date(toValue).getTime() : Number.NaN;
  if (!fromValue) errors.from = 'range.error.required';
  else if (Number.isNaN(from)) errors.from = 'range.error.invalid';
  if (!toValue) errors.to = 'range.error.required';
  else if (Number.isNaN(to)) errors.to = 'range.error.invalid';
  if (!errors.from && !errors.to) {
    if (from >= to) errors.from = 'range.error.order';
    else if (to - from > MAX_RANGE_MS) errors.to = 'range.error.tooLong';
  }
  return Object.keys(errors).length > 0 ? { errors } : { from, to };
}

export class RangePicker {
  constructor(container, i18n, onRange) {
    this.i18n = i18n;
    this.onRange = onRange;
    this.presetButtons = PRESETS.map((preset) => {
      const button = text(i18n, 'button', preset.key, {
        type: 'button',
        class: 'toggle',
        'data-preset': preset.id,
        'aria-pressed': 'false',
      });
      button.addEventListener('click', () => this.usePreset(preset));
      return button;
    });
    const presets = el('div', { class: 'preset-group', role: 'group', 'aria-labelledby': 'periode-rapide' }, [
      text(i18n, 'span', 'range.quick', { id: 'periode-rapide', class: 'group-label' }),
      ...this.presetButtons,
    ]);

    this.from = this.field('from', 'range.from');
    this.to = this.field('to', 'range.to');
    const submit = text(i18n, 'button', 'range.show', { type: 'submit', class: 'action' });
    const form = el('form', { class: 'custom-range', novalidate: '' }, [
      el('fieldset', {}, [
        text(i18n, 'legend', 'range.custom'),
        el('div', { class: 'field-row' }, [this.from.wrap, this.to.wrap, submit]),
      ]),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.useCustom();
    });
    container.replaceChildren(presets, form);
  }

  field(name, labelKey) {
    const id = `histo-${name}`;
    const errorId = `${id}-erreur`;
    const input = el('input', { type: 'datetime-local', id, name, 'aria-describedby': errorId });
    const error = el('p', { id: errorId, class: 'field-error', hidden: '' });
    const wrap = el('div', { class: 'field' }, [text(this.i18n, 'label', labelKey, { for: id }), input, error]);
    return { input, error, wrap };
  }

  showError(field, key) {
    field.input.setAttribute('aria-invalid', String(key !== undefined));
    field.error.hidden = key === undefined;
    if (key === undefined) {
      field.error.removeAttribute('data-i18n');
      field.error.textContent = '';
    } else {
      field.error.dataset.i18n = key;
      field.error.textContent = this.i18n.t(key);
    }
  }

  usePreset(preset) {
    const to = Date.now();
    const from = to - preset.spanMs;
    for (const button of this.presetButtons)
      button.setAttribute('aria-pressed', String(button.dataset.preset === preset.id));
    this.from.input.value = toLocalInput(from);
    this.to.input.value = toLocalInput(to);
    this.showError(this.from, undefined);
    this.showError(this.to, undefined);
    this.onRange({ from, to });
  }

  useCustom() {
    const result = checkRange(this.from.input.value, this.to.input.value);
    this.showError(this.from, result.errors?.from);
    this.showError(this.to, result.errors?.to);
    if (result.errors) {
      (result.errors.from ? this.from : this.to).input.focus();
      return;
    }
    for (const button of this.presetButtons) button.setAttribute('aria-pressed', 'false');
    this.onRange({ from: result.from, to: result.to });
  }
}
