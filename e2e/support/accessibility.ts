import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// WCAG checks in the page under test: axe-core (Deque) for what a machine can judge, and a keyboard
// walk for what it cannot (can every control be reached, and is focus visible when it is).

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.2 levels A and AA, which the issue asks for ("WCAG AA"). */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeResult {
  id: string;
  impact: string | null;
  nodes: AxeNode[];
}

/**
 * The WCAG A/AA violations axe finds on the page as it is now, one line each: rule, element, why.
 * The script is evaluated over the DevTools protocol, so the page's CSP stays as it is.
 */
export async function wcagViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: { run: (c: Document, o: object) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, { runOnly: { type: 'tag', values: tags } })) as {
      violations: AxeResult[];
    };
    return result.violations;
  }, WCAG_AA);
  return violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${v.id} (${v.impact ?? '?'}) ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`,
    ),
  );
}

export interface KeyboardWalk {
  /** Visible enabled controls the Tab key never reached, by a readable selector. */
  unreached: string[];
  /** Controls that had focus with nothing to show it: no outline or box shadow on them, their parent or a child. */
  invisibleFocus: string[];
}

/** What one Tab press reached: a key for the element, and whether its focus is drawn. */
interface Stop {
  key: string;
  visible: boolean;
}

/**
 * Presses Tab until focus comes back round (or `maxPresses`), noting each control reached and whether
 * its focus is drawn, then lists the visible controls inside `scope` that Tab never reached.
 */
export async function walkKeyboard(page: Page, scope = 'body', maxPresses = 400): Promise<KeyboardWalk> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    (globalThis as unknown as { __reached: Set<Element> }).__reached = new Set();
  });
  let first: string | undefined;
  let previous: string | undefined;
  const invisible = new Set<string>();
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate((): Stop | null => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      (globalThis as unknown as { __reached: Set<Element> }).__reached.add(el);
      const drawn = (node: Element | null) => {
        if (!node) return false;
        const style = getComputedStyle(node);
        const outlined = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
        return outlined || style.boxShadow !== 'none';
      };
      // Past its last part, a date field's focus is on the browser's own calendar button, whose ring the
      // browser draws itself (the field no longer matches :focus then).
      const pickerButton = el instanceof HTMLInputElement && el.type.startsWith('date') && !el.matches(':focus');
      const visible = pickerButton || drawn(el) || drawn(el.parentElement) || Array.from(el.children).some(drawn);
      const name = el.id
        ? `#${el.id}`
        : `${el.tagName.toLowerCase()} « ${(el.textContent ?? '').trim().slice(0, 30)} »`;
      const index = Array.prototype.indexOf.call(document.getElementsByTagName('*'), el);
      return { key: `${name}@${index}`, visible };
    });
    if (stop === null) continue;
    // Back at the first control, coming from another one: the walk went round. (A date field takes
    // several presses, one per part, so the same control twice in a row is not the end.)
    if (stop.key === first && previous !== first) break;
    first ??= stop.key;
    previous = stop.key;
    if (!stop.visible) invisible.add(stop.key.replace(/@\d+$/, ''));
  }
  const unreached = await page.evaluate((scopeSelector) => {
    const reached = (globalThis as unknown as { __reached: Set<Element> }).__reached;
    const selectors = [
      'a[href]',
      'button',
      'input',
      'select',
      'textarea',
      'summary',
      '[tabindex]:not([tabindex="-1"])',
    ];
    const controls = Array.from(document.querySelectorAll(selectors.map((s) => `${scopeSelector} ${s}`).join(', ')));
    const missing: string[] = [];
    const radioGroups = new Set<string>();
    for (const control of controls) {
      const el = control as HTMLElement & { disabled?: boolean; type?: string; name?: string };
      if (el.disabled || el.closest('[hidden], [inert]') || el.getClientRects().length === 0) continue;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      if (el.type === 'radio') {
        // A radio group is one Tab stop: the arrow keys move inside it.
        const name = el.name ?? '';
        if (radioGroups.has(name)) continue;
        radioGroups.add(name);
        const group = Array.from(document.querySelectorAll(`input[type="radio"][name="${name}"]`));
        if (group.some((g) => reached.has(g))) continue;
      } else if (reached.has(el)) continue;
      missing.push(
        el.id ? `#${el.id}` : `${el.tagName.toLowerCase()} « ${(el.textContent ?? '').trim().slice(0, 30)} »`,
      );
    }
    return missing;
  }, scope);
  return { unreached, invisibleFocus: [...invisible] };
}
