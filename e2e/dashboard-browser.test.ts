import { join } from 'node:path';
import { startSimulatedTricycle } from '@triporteur/edge';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, useChromium } from './support/browser.js';
import { addCoordinator, makeUnits, quietLogger, startTestDashboard, until } from './support/fleet.js';

const chromium = useChromium();
const { cleanups } = chromium;

describe('fleet page in Chromium', () => {
  it('shows both simulated tricycles and updates a battery percentage live, without a reload', async () => {
    const units = makeUnits(['tri-web-01', 'tri-web-02']);
    const dashboard = await startTestDashboard(units);
    cleanups.push(() => dashboard.close());
    for (const [i, unit] of units.entries()) {
      // 600× real time: SOC falls about 1 % every 0.15 s, far from the demo plan's 15 % recharge point.
      const spec = {
        unitId: unit.id,
        password: unit.password,
        initialSocPct: 90 - 30 * i,
        timeScale: 600,
        sampleIntervalMs: 500,
        batchIntervalMs: 500,
      };
      const tricycle = await startSimulatedTricycle(spec, dashboard.mqttUrl, quietLogger);
      cleanups.push(() => tricycle.stop());
    }
    await until(
      async () => (await dashboard.store.listUnits()).every((u) => u.battery !== null),
      'first battery records',
    );

    const account = await addCoordinator(dashboard);
    const page = await chromium.browser.newPage({ viewport: { width: 1024, height: 700 } });
    cleanups.push(() => page.close());
    // Without a session the fleet page sends the browser to the login page, in French.
    await page.goto(`${dashboard.httpUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login.html');
    await page.getByLabel('Identifiant').fill(account.username);
    await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('alert').waitFor();
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'fleet-login-refused.png'), fullPage: true });
    await page.getByLabel('Mot de passe').fill(account.password);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${dashboard.httpUrl}/`);
    await expect(page.title()).resolves.toBe('Triporteurs — flotte');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    const row = page.locator('tr[data-unit="tri-web-01"]');
    await row.waitFor();
    await expect(page.locator('tr[data-unit="tri-web-02"]').count()).resolves.toBe(1);
    await expect(row.locator('[data-field="state"]').innerText()).resolves.toBe('En ligne');
    const socCell = row.locator('[data-field="soc"]');
    const first = Number(await socCell.innerText());
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(100);

    // The value must change in place, pushed by the server.
    await page.waitForFunction(
      (before) => {
        const text = document.querySelector('tr[data-unit="tri-web-01"] [data-field="soc"]')?.textContent ?? '';
        return text.trim() !== '' && Number(text) !== before;
      },
      first,
      { timeout: 20_000 },
    );
    const later = Number(await socCell.innerText());
    expect(later).toBeLessThan(first);
    expect(navigations).toHaveLength(1);

    await page.screenshot({ path: join(ARTIFACTS_DIR, 'fleet-live.png'), fullPage: true });

    // A unit going away flips to "Hors ligne" live as well.
    await cleanups[1]?.();
    await until(
      async () => (await row.locator('[data-field="state"]').innerText()) === 'Hors ligne',
      'offline in the page',
    );
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'fleet-offline.png'), fullPage: true });
  });
});
