import { join } from 'node:path';
import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type RunningPortal, startPortal } from '../edge/src/hotspot/portal/index.js';
import { InMemoryGate } from '../edge/test/support/portal-gate.js';
import { ARTIFACTS_DIR, useChromium } from './support/browser.js';

// Chromium resolves "localhost" to loopback by itself, so the portal's own name needs no DNS here.
const PORTAL_NAME = 'localhost';
const PHONE_WIDTH = 320;

const chromium = useChromium();
const { cleanups } = chromium;

async function startTestPortal(): Promise<{ portal: RunningPortal; gate: InMemoryGate }> {
  const clock = new ManualClock();
  const gate = new InMemoryGate(clock).lease('127.0.0.1');
  const portal = await startPortal({
    gate,
    clock,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    config: {
      host: '127.0.0.1',
      httpPort: 0,
      httpsPort: 0,
      portalHostname: PORTAL_NAME,
      apiPath: '/captive-portal/api',
      venue: {
        associationName: 'PIMMS Médiation Lyon',
        contact: 'dpo@pimms-lyon.example',
        publicServices: [{ label: 'France Services', url: 'https://www.france-services.gouv.fr/' }],
      },
      languages: ['fr', 'ar', 'en', 'es', 'pt', 'tr'],
      questionnaire: { enabled: true },
      sessionTimeoutS: 4 * 3600,
      idleTimeoutS: 15 * 60,
      rateLimit: { burst: 40, perSecond: 4 },
    },
  });
  cleanups.push(() => portal.close());
  return { portal, gate };
}

/** A small phone, touch input, and no JavaScript at all: the login sheet must work without it. */
async function phone(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.browser.newContext({
    viewport: { width: PHONE_WIDTH, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: false,
  });
  cleanups.push(() => context.close());
  return { context, page: await context.newPage() };
}

/** Layout facts measured in the page: overflow, and every interactive element smaller than 44×44 px. */
async function measure(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  const small = [];
  for (const target of await page.locator('a, button, summary, label').all()) {
    // Options inside the folded questionnaire are not rendered until it opens.
    if (!(await target.isVisible())) continue;
    const box = await target.boundingBox();
    if (box && (box.width < 44 || box.height < 44)) small.push({ text: await target.innerText(), ...box });
  }
  return { scrollWidth, small };
}

describe('the portal in Chromium on a 320 px phone, JavaScript off', () => {
  it('French: readable at 320 px, large targets, styled under its CSP; "Se connecter" accepts and shows the post-login page', async () => {
    const { portal, gate } = await startTestPortal();
    const { page } = await phone();
    await page.goto(`http://${PORTAL_NAME}:${portal.httpPort}/?lang=fr`);
    await expect(page.title()).resolves.toBe('Wifi social : connexion gratuite');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    const button = page.getByRole('button', { name: 'Se connecter' });
    // The inline stylesheet applied (its CSP hash matched): the button has the palette's green.
    await expect(button.evaluate((el) => getComputedStyle(el).backgroundColor)).resolves.toBe('rgb(10, 92, 54)');
    const layout = await measure(page);
    expect(layout.scrollWidth).toBeLessThanOrEqual(PHONE_WIDTH);
    expect(layout.small).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'portal-landing-fr.png'), fullPage: true });

    // The questionnaire folds open without script; its options are large enough to tap.
    await page.getByText('3 questions facultatives et anonymes').tap();
    await page.getByLabel('Une démarche administrative').tap();
    expect((await measure(page)).small).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'portal-questionnaire-fr.png'), fullPage: true });

    await button.tap();
    await page.getByRole('heading', { name: 'C’est fait : vous êtes connecté·e' }).waitFor();
    expect(gate.acceptCalls).toEqual(['127.0.0.1']);
    await expect(page.getByText('Temps restant : 4 h.').count()).resolves.toBe(1);
    expect(portal.questionnaireTotals().answers.reason.admin).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'portal-welcome-fr.png'), fullPage: true });
  });

  it('Arabic: right to left, mirrored layout, readable at 320 px, then accepted', async () => {
    const { portal, gate } = await startTestPortal();
    const { page } = await phone();
    await page.goto(`http://${PORTAL_NAME}:${portal.httpPort}/?lang=ar`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');

    // Mirrored: the picker starts on the right, and the text column is right-aligned.
    const [first, second] = await Promise.all(
      ['Français', 'العربية'].map((name) => page.getByRole('link', { name, exact: true }).boundingBox()),
    );
    expect(first && second && first.y === second.y && first.x > second.x).toBe(true);
    const heading = await page.getByRole('heading', { level: 1 }).evaluate((el) => getComputedStyle(el).direction);
    expect(heading).toBe('rtl');

    const layout = await measure(page);
    expect(layout.scrollWidth).toBeLessThanOrEqual(PHONE_WIDTH);
    expect(layout.small).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'portal-landing-ar.png'), fullPage: true });

    await page.getByRole('button', { name: 'اتصل بالإنترنت' }).tap();
    await page.getByRole('heading', { name: 'تم: أنت متصل الآن' }).waitFor();
    expect(gate.acceptCalls).toEqual(['127.0.0.1']);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'portal-welcome-ar.png'), fullPage: true });
  });

  it('the notice and the venue page fit 320 px too', async () => {
    const { portal } = await startTestPortal();
    const { page } = await phone();
    for (const [path, shot] of [
      ['/privacy?lang=fr', 'portal-privacy-fr.png'],
      ['/info?lang=ar', 'portal-info-ar.png'],
    ] as const) {
      await page.goto(`http://${PORTAL_NAME}:${portal.httpPort}${path}`);
      const layout = await measure(page);
      expect(layout.scrollWidth).toBeLessThanOrEqual(PHONE_WIDTH);
      expect(layout.small).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS_DIR, shot), fullPage: true });
    }
  });
});
