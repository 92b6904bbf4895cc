import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, useChromium } from './support/browser.js';
import { addCoordinator, makeUnits, startTestDashboard, until } from './support/fleet.js';
import { firstKinds, SimulatedEdge } from './support/outing.js';

const chromium = useChromium();
const { cleanups } = chromium;

/** Where the two riding units start: two streets of the same neighbourhood, about 450 m apart. */
const START = [
  { lat: 48.8566, lon: 2.3522, socPct: 80, wifi: 3 },
  { lat: 48.853, lon: 2.3499, socPct: 60, wifi: 1 },
] as const;

const marker = (page: Page, id: string) => page.locator(`.unit-marker-card[data-unit="${id}"]`);
const row = (page: Page, id: string) => page.locator(`tr[data-unit="${id}"]`);
/** Intl puts narrow no-break spaces in French numbers; compare on plain spaces. */
const plain = (text: string) => text.replace(/\s+/g, ' ').trim();
const rowOrder = (page: Page) =>
  page.locator('#units tr[data-unit]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.unit));

describe('fleet view: map and list in Chromium', () => {
  it('places the units on a tile-less map and in the sortable list, live, in French then English', async () => {
    // The third unit never connects: it is listed with an unknown position and has no marker.
    const units = makeUnits(['tri-map-01', 'tri-map-02', 'tri-map-03']);
    const dashboard = await startTestDashboard(units);
    cleanups.push(() => dashboard.close());
    const edges: SimulatedEdge[] = [];
    for (const [i, unit] of units.slice(0, 2).entries()) {
      const start = START[i];
      if (!start) throw new Error('one start per riding unit');
      const edge = await SimulatedEdge.connect(dashboard.mqttUrl, unit, `boot-map-000${i}`);
      cleanups.push(() => edge.close());
      edges.push(edge);
      // Seq 0 of a boot, every kind in full, the way the edge opens a boot.
      await edge.publish([{ seq: 0, ts: Date.now(), ...firstKinds(start) }]);
    }
    await until(async () => {
      const states = await Promise.all(units.slice(0, 2).map((u) => dashboard.store.getUnitState(u.id)));
      return states.every((s) => s?.state.position !== undefined);
    }, 'both positions stored');

    const account = await addCoordinator(dashboard);
    const page = await chromium.browser.newPage({ viewport: { width: 1440, height: 900 } });
    cleanups.push(() => page.close());
    // Every script, style sheet, dictionary and API call of the page must load.
    const failures: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${dashboard.httpUrl}/`);
    await page.getByLabel('Identifiant').fill(account.username);
    await page.getByLabel('Mot de passe').fill(account.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${dashboard.httpUrl}/`);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });

    // No tiles configured: the map still shows both markers, on its plain background.
    const uiConfig = await page.request.get(`${dashboard.httpUrl}/api/ui-config`);
    expect(uiConfig.status()).toBe(200);
    expect(await uiConfig.json()).toEqual({ tileUrl: null, tileAttribution: null });
    await marker(page, 'tri-map-01').waitFor();
    await marker(page, 'tri-map-02').waitFor();
    await expect(page.locator('.leaflet-tile').count()).resolves.toBe(0);
    await expect(page.locator('#carte-sans-fond').isVisible()).resolves.toBe(true);
    await expect(page.locator('.unit-marker-card').count()).resolves.toBe(2);
    const mapBox = await page.locator('#carte-fond').boundingBox();
    for (const id of ['tri-map-01', 'tri-map-02']) {
      const box = await marker(page, id).boundingBox();
      if (!mapBox || !box) throw new Error('map and markers must be laid out');
      expect(box.x).toBeGreaterThanOrEqual(mapBox.x);
      expect(box.y).toBeGreaterThanOrEqual(mapBox.y);
      expect(box.x + box.width).toBeLessThanOrEqual(mapBox.x + mapBox.width);
      expect(box.y + box.height).toBeLessThanOrEqual(mapBox.y + mapBox.height);
    }

    // The markers and the rows carry the published values, in French.
    await until(async () => plain(await marker(page, 'tri-map-01').innerText()).includes('Wi-Fi : 3'), 'hotspot');
    const first = plain(await marker(page, 'tri-map-01').innerText());
    expect(first).toContain('Triporteur 1');
    expect(first).toContain('En ligne · batterie 80 %');
    const row1 = row(page, 'tri-map-01');
    await expect(row1.locator('[data-field="state"]').innerText()).resolves.toBe('En ligne');
    await expect(row1.locator('[data-field="soc"]').innerText()).resolves.toBe('80');
    await expect(row1.locator('[data-field="voltage"]').innerText()).resolves.toBe('52,3');
    await expect(row1.locator('[data-field="wifi"]').innerText()).resolves.toBe('3');
    expect(plain(await row1.locator('[data-field="position"]').innerText())).toBe('48,8566 ; 2,3522');
    await expect(row(page, 'tri-map-02').locator('[data-field="wifi"]').innerText()).resolves.toBe('1');
    const row3 = row(page, 'tri-map-03');
    await expect(row3.locator('[data-field="position"]').innerText()).resolves.toBe('position inconnue');
    await expect(row3.locator('[data-field="state"]').innerText()).resolves.toBe('Hors ligne');
    await expect(marker(page, 'tri-map-03').count()).resolves.toBe(0);
    await expect(page.locator('#carte-sans-position').innerText()).resolves.toContain('1 triporteur(s)');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'fleet-map-desktop-fr.png'), fullPage: true });

    // A live record moves unit 1 north and changes its battery and Wi-Fi users, without a reload.
    const before = await marker(page, 'tri-map-01').boundingBox();
    const edge1 = edges[0];
    if (!edge1 || !before) throw new Error('unit 1 is connected and placed');
    await edge1.publish([
      { seq: 1, ts: Date.now(), battery: { socPct: 64 }, position: { lat: 48.861 }, hotspot: { sessionsNow: 7 } },
    ]);
    await until(async () => plain(await marker(page, 'tri-map-01').innerText()).includes('Wi-Fi : 7'), 'live marker');
    expect(plain(await marker(page, 'tri-map-01').innerText())).toContain('batterie 64 %');
    const after = await marker(page, 'tri-map-01').boundingBox();
    if (!after) throw new Error('marker still on the map');
    expect(after.y).toBeLessThan(before.y - 20);
    await expect(row1.locator('[data-field="soc"]').innerText()).resolves.toBe('64');
    await expect(row1.locator('[data-field="wifi"]').innerText()).resolves.toBe('7');
    expect(plain(await row1.locator('[data-field="position"]').innerText())).toBe('48,8610 ; 2,3522');
    expect(navigations).toHaveLength(0);

    // Sorting from the keyboard: Tab to the battery header, Enter sorts up, Space sorts down.
    await expect(rowOrder(page)).resolves.toEqual(['tri-map-01', 'tri-map-02', 'tri-map-03']);
    await page.getByRole('button', { name: 'Triporteur', exact: true }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (document.activeElement as HTMLElement).dataset.sort)).resolves.toBe('soc');
    await page.keyboard.press('Enter');
    const socHeader = page.locator('th:has([data-sort="soc"])');
    await expect(socHeader.getAttribute('aria-sort')).resolves.toBe('ascending');
    await expect(page.locator('th:has([data-sort="name"])').getAttribute('aria-sort')).resolves.toBeNull();
    // Unit 3 has no battery value: last whichever the direction.
    await expect(rowOrder(page)).resolves.toEqual(['tri-map-02', 'tri-map-01', 'tri-map-03']);
    await page.keyboard.press('Space');
    await expect(socHeader.getAttribute('aria-sort')).resolves.toBe('descending');
    await expect(rowOrder(page)).resolves.toEqual(['tri-map-01', 'tri-map-02', 'tri-map-03']);

    // A marker takes the focus, and Enter on it selects its row in the list.
    await page.locator('.unit-marker:has([data-unit="tri-map-02"])').focus();
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => (document.activeElement as HTMLElement).dataset.unit)).resolves.toBe('tri-map-02');
    await expect(row(page, 'tri-map-02').getAttribute('class')).resolves.toContain('selected');

    // Tablet, upright: map above the list, both full width.
    await page.setViewportSize({ width: 800, height: 1100 });
    await until(async () => {
      const map = await page.locator('#carte-fond').boundingBox();
      const list = await page.locator('#liste').boundingBox();
      return map !== null && list !== null && map.y + map.height <= list.y && map.width > 700;
    }, 'map stacked above the list at 800 px');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'fleet-map-tablet-fr.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    // English on request: labels, numbers and <html lang> change, and the choice survives a reload.
    await page.getByRole('button', { name: 'English' }).click();
    await until(async () => (await page.locator('html').getAttribute('lang')) === 'en', 'html lang en');
    await expect(page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(page.getByRole('button', { name: 'Battery (%)', exact: true }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Wi-Fi users', exact: true }).count()).resolves.toBe(1);
    await expect(row3.locator('[data-field="position"]').innerText()).resolves.toBe('position unknown');
    await expect(row1.locator('[data-field="state"]').innerText()).resolves.toBe('Online');
    expect(plain(await row1.locator('[data-field="position"]').innerText())).toBe('48.8610, 2.3522');
    expect(plain(await marker(page, 'tri-map-01').innerText())).toContain('Online · battery 64%');
    await expect(page.title()).resolves.toBe('Tricycles — fleet');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'fleet-map-desktop-en.png'), fullPage: true });
    await page.reload();
    await until(async () => (await page.locator('html').getAttribute('lang')) === 'en', 'English after reload');
    await marker(page, 'tri-map-01').waitFor();
    await expect(page.getByRole('button', { name: 'Battery (%)', exact: true }).count()).resolves.toBe(1);
    expect(failures).toEqual([]);

    // Without JavaScript the server's own table is the page: every unit listed, no empty map frame.
    const noScript = await chromium.browser.newContext({ javaScriptEnabled: false });
    cleanups.push(() => noScript.close());
    await noScript.addCookies(await page.context().cookies());
    const bare = await noScript.newPage();
    await bare.goto(`${dashboard.httpUrl}/`);
    await expect(bare.locator('#units tr[data-unit]').count()).resolves.toBe(3);
    await expect(bare.locator('tr[data-unit="tri-map-01"] [data-field="soc"]').innerText()).resolves.toBe('64');
    await expect(bare.locator('#carte').isVisible()).resolves.toBe(false);
    await expect(bare.locator('#langue').isVisible()).resolves.toBe(false);
  });
});
