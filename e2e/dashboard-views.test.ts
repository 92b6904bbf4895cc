import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningDashboard } from '@triporteur/dashboard';
import type { TelemetryRecordV2 } from '@triporteur/edge/contract';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkKeyboard, wcagViolations } from './support/accessibility.js';
import { ARTIFACTS_DIR, useChromium } from './support/browser.js';
import { addUser, makeUnits, startTestDashboard, type UnitCredentials, until } from './support/fleet.js';
import {
  fullBattery,
  HOTSPOT_CAPACITY,
  morningOuting,
  type OutingPlan,
  SimulatedEdge,
  stopOf,
} from './support/outing.js';

// The unit page, the alerts view and the impact reports in Debian's Chromium, against the real server
// fed over MQTT by simulated units: one rode yesterday morning (every kind, every 10 s), one is low
// on battery now. Days are UTC on both sides (the fleet's time zone and the browser's), so "yesterday"
// means the same day to the server, the page and this file.

const chromium = useChromium();
const { cleanups } = chromium;

const DAY_MS = 86_400_000;
const todayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const yesterday = new Date(todayStart - DAY_MS).toISOString().slice(0, 10);
const PLAN: OutingPlan = {
  start: todayStart - DAY_MS + 9 * 3_600_000,
  lat: 45.7485,
  lon: 4.8467,
  residents: 6,
  socPct: 90,
  answered: 4,
};
const BUDGET = 10_000_000_000;

let dashboard: RunningDashboard;
let fleet: UnitCredentials[];
let rider: SimulatedEdge;
let lowUnit: SimulatedEdge;
let outing: TelemetryRecordV2[];
const accounts: Record<string, { username: string; password: string }> = {};

/** A square of about 400 m around the outing's stop: the neighbourhood the report counts. */
function zoneFile(): string {
  const { lat, lon } = stopOf(PLAN);
  const d = 0.002;
  const ring = [
    [lon - d, lat - d],
    [lon + d, lat - d],
    [lon + d, lat + d],
    [lon - d, lat + d],
    [lon - d, lat - d],
  ];
  const feature = {
    type: 'Feature',
    properties: { name: 'Mermoz' },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
  return JSON.stringify({ type: 'FeatureCollection', features: [feature] });
}

/** One record now with a battery at `socPct` and nothing else changed. */
function batteryAt(seq: number, socPct: number): TelemetryRecordV2 {
  return { seq, ts: Date.now(), battery: fullBattery(socPct) };
}

async function signedIn(role: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context: BrowserContext = await chromium.browser.newContext({ viewport, timezoneId: 'UTC', locale: 'fr-FR' });
  cleanups.push(() => context.close());
  // A locator that never matches fails in 10 s with its selector, not at the test's timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  cleanups.push(async () => expect(problems, 'no script error on the page').toEqual([]));
  const account = accounts[role];
  if (!account) throw new Error(`no ${role} account`);
  await page.goto(`${dashboard.httpUrl}/login.html`);
  await page.getByLabel('Identifiant').fill(account.username);
  await page.getByLabel('Mot de passe').fill(account.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => url.pathname !== '/login.html');
  return page;
}

/** The open alerts as the API gives them to a coordinator. */
async function openAlerts(): Promise<{ unitId: string; severity: string; acknowledgedBy: string | null }[]> {
  const account = accounts.coordinator;
  if (!account) throw new Error('no coordinator account');
  const login = await fetch(`${dashboard.httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const answer = await fetch(`${dashboard.httpUrl}/api/alerts`, { headers: { cookie } });
  return ((await answer.json()) as { alerts: Awaited<ReturnType<typeof openAlerts>> }).alerts;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'views-'));
  const zonesFile = join(dir, 'zones.geojson');
  await writeFile(zonesFile, zoneFile());
  fleet = makeUnits(['tri-v-01', 'tri-v-02', 'tri-v-03']);
  dashboard = await startTestDashboard(fleet, undefined, {
    fleet: { timeZone: 'UTC', zonesFile, dataBudgetBytesPerMonth: BUDGET, outingEndParkMinutes: 45 },
  });
  for (const role of ['coordinator', 'technician', 'viewer'] as const) accounts[role] = await addUser(dashboard, role);

  const [first, second] = fleet;
  if (!first || !second) throw new Error('three units');
  rider = await SimulatedEdge.connect(dashboard.mqttUrl, first, 'boot-views-rider');
  await rider.birth({
    software: { edge: '0.7.0' },
    firmware: { bms: 'JBD 0x21', motor: 'VESC 6.02' },
    bmsModel: 'JBD-SP15S',
  });
  await rider.answerCommands((name, args) => {
    if (name === 'run-diagnostics') {
      return {
        ok: true,
        result: {
          ok: false,
          checks: [
            { name: 'bms', ok: true, detail: 'JBD répond en 42 ms' },
            { name: 'disk', ok: false, detail: '4,2 % libre' },
          ],
        },
      };
    }
    if (name === 'location-pause') {
      const paused = args.paused === true;
      return {
        ok: true,
        result: { paused, manual: paused, by: 'dashboard', changedAt: Date.now(), outsideHours: false },
      };
    }
    return { ok: false, error: { code: 'EDG_CMD_INVALID', message: `not simulated: ${name} ${JSON.stringify(args)}` } };
  });
  outing = morningOuting(PLAN);
  await rider.publish(outing);
  lowUnit = await SimulatedEdge.connect(dashboard.mqttUrl, second, 'boot-views-low');
  await lowUnit.publish([batteryAt(0, 8)]);

  // The pipeline rebuilt yesterday from the replayed records: one outing, one stop; the alert is raised.
  await until(async () => (await dashboard.store.countRecords(first.id)) === outing.length, 'the outing stored');
  await until(async () => (await openAlerts()).length > 0, 'the low-battery alert');
}, 60_000);

afterAll(async () => {
  await rider?.close();
  await lowUnit?.close();
  await dashboard?.close();
});

describe('dashboard views in Chromium: unit page, alerts, impact reports, by role', () => {
  it('unit page: every panel from the real state, history charts over a chosen range, replay, live update', async () => {
    const page = await signedIn('coordinator');
    await page.goto(`${dashboard.httpUrl}/unit.html?id=tri-v-01`);
    await expect.poll(() => page.locator('h1#unit-name').textContent()).toBe('Triporteur 1');
    const last = outing.at(-1);
    const soc = page.locator('#panel-battery dd[data-field="battery.soc"]');
    await expect
      .poll(async () => plain(await soc.textContent()))
      .toContain(String(Math.round(last?.battery?.socPct ?? -1)));
    // Data used this month against the configured budget, as words and as a meter.
    const month = page.locator('dd[data-field="uplink.month"]');
    await expect.poll(async () => plain(await month.textContent())).toMatch(/1,2 Go sur 10 Go/);
    expect(await month.locator('meter').count()).toBe(1);
    // Residents on the Wi-Fi against the unit's client ceiling.
    const capacity = plain(await page.locator('dd[data-field="hotspot.capacity"]').textContent());
    expect(capacity).toBe(`${last?.hotspot?.stationsNow} / ${HOTSPOT_CAPACITY}`);
    // The radio's channel and why: the site survey at the hotspot's start.
    const channel = plain(await page.locator('dd[data-field="hotspot.channel"]').textContent());
    expect(channel).toBe('Canal 6 (choisi par relevé, 4 réseaux voisins)');
    // Which way the unit's traffic goes (edges with a depot configured say so).
    expect(plain(await page.locator('dd[data-field="uplink.via"]').textContent())).toBe('routeur 4G');
    // Versions from the birth message.
    expect(plain(await page.locator('dd[data-field="system.edge"]').textContent())).toContain('0.7.0');
    expect(plain(await page.locator('dd[data-field="system.firmware"]').textContent())).toContain('VESC 6.02');
    // A coordinator does not get the technician panel.
    expect(await page.locator('#technicien').isVisible()).toBe(false);
    // …but may pause the mediator's location; the button then offers to resume it.
    const pause = page.locator('#pause-localisation');
    expect(plain(await pause.textContent())).toBe('Mettre la localisation en pause');
    await pause.click();
    await expect.poll(async () => plain(await pause.textContent())).toBe('Reprendre la localisation');
    expect(plain(await page.locator('#pause-localisation-etat').textContent())).toMatch(/en pause/);
    await pause.click();
    await expect.poll(async () => plain(await pause.textContent())).toBe('Mettre la localisation en pause');

    // A range the wrong way round is refused next to the field, before any request.
    let historyRequests = 0;
    page.on('request', (request) => {
      if (request.url().includes('/history')) historyRequests += 1;
    });
    await page.locator('#histo-from').fill(`${yesterday}T12:00`);
    await page.locator('#histo-to').fill(`${yesterday}T08:00`);
    await page.getByRole('button', { name: 'Afficher', exact: true }).click();
    await expect.poll(() => page.locator('#histo-from').getAttribute('aria-invalid')).toBe('true');
    expect(plain(await page.locator('#histo-from-erreur').textContent())).not.toBe('');
    expect(historyRequests).toBe(0);
    // Yesterday morning: the battery chart has the outing's figures.
    await page.locator('#histo-from').fill(`${yesterday}T08:30`);
    await page.locator('#histo-to').fill(`${yesterday}T11:00`);
    await page.getByRole('button', { name: 'Afficher', exact: true }).click();
    await expect.poll(() => page.locator('#histo-from').getAttribute('aria-invalid')).not.toBe('true');
    const summary = page.locator('#graphique-battery p.chart-summary');
    await expect.poll(async () => plain(await summary.textContent())).toMatch(/\d/);
    expect(historyRequests).toBe(1);
    expect(await page.locator('#graphique-battery canvas').count()).toBeGreaterThan(0);

    // Replay: yesterday's outing, moved along by keyboard on the slider.
    await page.locator('#rejeu-jour').fill(yesterday);
    await page.locator('#rejeu-choix button').click();
    const outingButton = page.locator('#rejeu-tournees button[data-outing]');
    await expect.poll(() => outingButton.count()).toBe(1);
    await outingButton.click();
    const slider = page.locator('#rejeu-curseur');
    await expect.poll(() => slider.isEnabled()).toBe(true);
    const before = await page.locator('#rejeu-heure').textContent();
    await slider.focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#rejeu-heure').textContent()).not.toBe(before);
    await shot(page, 'views-unit-desktop');

    // Live: the unit reports a new charge; the page shows it without a reload.
    await rider.publish([batteryAt(outing.length, 42)]);
    await expect.poll(async () => plain(await soc.textContent()), { timeout: 10_000 }).toContain('42');
    await page.setViewportSize({ width: 820, height: 1180 });
    await shot(page, 'views-unit-tablet');
  }, 60_000);

  it('technician panel: diagnostics answered by the unit, an inline error for bad JSON before sending', async () => {
    const page = await signedIn('technician');
    await page.goto(`${dashboard.httpUrl}/unit.html?id=tri-v-01`);
    await page.locator('#technicien').waitFor();
    let commands = 0;
    page.on('request', (request) => {
      if (request.url().includes('/commands/')) commands += 1;
    });
    await page.locator('#tech-cle').fill('uplink.keepaliveS');
    await page.locator('#tech-valeur').fill('{trente');
    await page.locator('#tech-config-set').click();
    await expect.poll(() => page.locator('#tech-valeur').getAttribute('aria-invalid')).toBe('true');
    expect(plain(await page.locator('#tech-valeur-erreur').textContent())).not.toBe('');
    expect(commands).toBe(0);

    await page.locator('#tech-diagnostic').click();
    const result = page.locator('#tech-diagnostic-resultat');
    await expect.poll(() => result.getAttribute('data-kind'), { timeout: 15_000 }).toBe('ok');
    expect(plain(await result.textContent())).toContain('4,2 % libre');
    expect(commands).toBe(1);
    await shot(page, 'views-unit-technician');
  }, 60_000);

  it('alerts view: the open alert, a new one live, acknowledged inline, filtered by severity', async () => {
    const page = await signedIn('coordinator');
    await page.goto(`${dashboard.httpUrl}/alerts.html`);
    const rows = page.locator('#alertes tbody tr[data-alert]');
    await page.locator('#alertes-resume[data-state="done"]').waitFor();
    // The low battery (critical) and, from yesterday's replayed outing, leaving the Mermoz zone (info).
    const units = async () => (await rows.locator('[data-field="unit"]').allTextContents()).map(plain).sort();
    expect(await units()).toEqual(['Triporteur 1', 'Triporteur 2']);

    // A third unit runs low while the page is open: its row arrives and is announced.
    const third = fleet[2];
    if (!third) throw new Error('three units');
    const late = await SimulatedEdge.connect(dashboard.mqttUrl, third, 'boot-views-late');
    cleanups.push(() => late.close());
    await late.publish([batteryAt(0, 15)]);
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(async () => plain(await page.locator('#annonces').textContent())).toContain('Triporteur 3');

    const id = await rows.filter({ hasText: 'Triporteur 2' }).getAttribute('data-alert');
    const row = page.locator(`#alertes tbody tr[data-alert="${id}"]`);
    expect(await row.getAttribute('data-state')).toBe('open');
    await row.getByRole('button', { name: /^Acquitter/ }).click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('acknowledged');
    const stored = await openAlerts();
    expect(stored.find((alert) => alert.unitId === 'tri-v-02')?.acknowledgedBy).toBe('coordinator');

    await page.locator('#f-severity').selectOption('critical');
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await expect.poll(() => page.url()).toContain('severity=critical');
    await expect.poll(() => rows.count()).toBe(1);
    await shot(page, 'views-alerts');
  }, 60_000);

  it('impact reports: yesterday per unit and per zone, questionnaire, CSV, print; inline error for bad dates', async () => {
    const page = await signedIn('coordinator');
    await page.goto(`${dashboard.httpUrl}/reports.html`);
    await page.getByLabel('Dates choisies').check();
    await page.locator('#p-from').fill(yesterday);
    await page.locator('#p-to').fill(new Date(todayStart - 3 * DAY_MS).toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Afficher le rapport' }).click();
    await expect.poll(() => page.locator('#p-to').getAttribute('aria-invalid')).toBe('true');
    expect(plain(await page.locator('#p-to-erreur').textContent())).not.toBe('');

    await page.locator('#p-to').fill(yesterday);
    await page.getByRole('button', { name: 'Afficher le rapport' }).click();
    const riderRow = page.locator('#par-unite tr[data-unit="tri-v-01"]');
    await expect.poll(async () => plain(await riderRow.locator('[data-field="outings"]').textContent())).toBe('1');
    expect(plain(await riderRow.locator('[data-field="sessions"]').textContent())).toBe(String(PLAN.residents));
    // About 2 × 1.05 km of riding.
    expect(plain(await riderRow.locator('[data-field="distanceM"]').textContent())).toMatch(/^2,\d/);
    const zone = page.locator('#par-zone tr[data-zone]', { hasText: 'Mermoz' });
    expect(plain(await zone.textContent())).toMatch(/Mermoz/);
    expect(await page.locator('#questionnaire').isVisible()).toBe(true);
    const admin = page.locator('[data-question="reason"] [data-answer="admin"] .answer-value');
    expect(plain(await admin.textContent())).toContain(String(PLAN.answered));
    await shot(page, 'views-reports');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('Triporteur 1;');
    expect(csv).toContain('Mermoz');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#navigation').isVisible()).toBe(false);
    expect(await page.locator('#export-csv').isVisible()).toBe(false);
    await shot(page, 'views-reports-print');
  }, 60_000);

  it('a funder (viewer) lands on the reports, sees no link to live data, and the live pages refuse them', async () => {
    const page = await signedIn('viewer');
    expect(new URL(page.url()).pathname).toBe('/reports.html');
    await page.locator('#navigation a').first().waitFor();
    const links = await page
      .locator('#navigation a')
      .evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
    expect(links).toEqual(['/reports.html']);
    expect(await page.locator('a[href^="/unit.html"]').count()).toBe(0);
    const api = await page.request.get(`${dashboard.httpUrl}/api/units/tri-v-01/history?from=0&to=1000`);
    expect(api.status()).toBe(403);
    await page.goto(`${dashboard.httpUrl}/alerts.html`);
    await page.locator('#refus').waitFor();
    expect(await page.locator('#alertes tbody tr[data-alert]').count()).toBe(0);
    await page.goto(`${dashboard.httpUrl}/unit.html?id=tri-v-01`);
    await expect.poll(async () => plain(await page.locator('#unit-problem').textContent())).not.toBe('');
    expect(await page.locator('#panel-battery dd').count()).toBe(0);
    expect(await page.locator('#pause-localisation').count()).toBe(0);
    await shot(page, 'views-viewer-unit-refused');
  }, 60_000);

  it('accessibility: every view passes axe’s WCAG 2.2 AA checks, on a desktop and a tablet, and by keyboard', async () => {
    // The technician sees the most: every view, the technician panel included.
    const page = await signedIn('technician');
    const views: { path: string; ready: string }[] = [
      { path: '/', ready: '#units tr[data-unit="tri-v-01"]' },
      { path: '/unit.html?id=tri-v-01', ready: '#panel-battery dd[data-field="battery.soc"]' },
      { path: '/alerts.html', ready: '#alertes-resume[data-state="done"]' },
      {
        path: `/reports.html?period=custom&from=${yesterday}&to=${yesterday}`,
        ready: '#par-unite tr[data-unit="tri-v-01"]',
      },
    ];
    const found: Record<string, unknown> = {};
    for (const viewport of [
      { name: 'bureau', width: 1280, height: 900 },
      { name: 'tablette', width: 768, height: 1024 },
    ]) {
      await page.setViewportSize(viewport);
      for (const view of views) {
        await page.goto(`${dashboard.httpUrl}${view.path}`);
        await page.locator(view.ready).first().waitFor();
        const where = `${view.path} (${viewport.name})`;
        const violations = await wcagViolations(page);
        // A tablet shows the whole page without sideways scrolling.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (violations.length > 0 || overflow > 0) found[where] = { violations, overflow };
        if (viewport.name === 'bureau') {
          const walk = await walkKeyboard(page);
          if (walk.unreached.length > 0 || walk.invisibleFocus.length > 0) found[`${where} clavier`] = walk;
        }
      }
    }
    const login = await chromium.browser.newContext({ viewport: { width: 768, height: 1024 }, locale: 'fr-FR' });
    cleanups.push(() => login.close());
    const loginPage = await login.newPage();
    await loginPage.goto(`${dashboard.httpUrl}/login.html`);
    const loginViolations = await wcagViolations(loginPage);
    if (loginViolations.length > 0) found['/login.html'] = loginViolations;
    expect(found).toEqual({});
  }, 120_000);
});
