// Small building blocks of the unit page's panels: a definition list whose labels carry the unit
// ("Tension (V)"), and the "updated … ago" line under each panel.

import { el } from './dom.js';
import { ago, DASH } from './unit-format.js';

/**
 * Replaces `container`'s value list with `rows`: [labelKey, value, field] where value is a string or a
 * node, and `field` becomes data-field on the <dd> so tests and styles can find one value.
 */
export function fillList(container, i18n, rows, idPrefix) {
  const list = el('dl', { class: 'values' });
  for (const [labelKey, value, field] of rows) {
    const id = `${idPrefix}-${field.replace(/\W/g, '-')}`;
    list.append(
      el('div', { class: 'value-row' }, [
        el('dt', { id }, [i18n.t(labelKey)]),
        el('dd', { 'data-field': field }, [value ?? DASH]),
      ]),
    );
  }
  container.replaceChildren(list);
  return list;
}

/** "Mis à jour il y a 12 secondes", with the exact time in a <time> element. */
export function ageLine(node, i18n, ts) {
  if (typeof ts !== 'number') {
    node.textContent = i18n.t('age.none');
    return;
  }
  const time = el('time', { datetime: new Date(ts).toISOString() }, [i18n.format.dateTime.format(ts)]);
  node.replaceChildren(i18n.t('age.updated', { ago: ago(i18n, ts) }), ' (', time, ')');
}

/** A translated word when the dictionary has one, the raw machine name otherwise. */
export function word(i18n, prefix, name) {
  if (typeof name !== 'string' || name === '') return DASH;
  const key = `${prefix}.${name}`;
  const text = i18n.t(key);
  return text === key ? name : text;
}
