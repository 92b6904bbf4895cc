import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser. Override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium as root in a sandbox: --no-sandbox, and no background networking so
 * the browser never tries to reach any host other than the page under test.
 * Playwright gives each launch its own fresh profile directory.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where screenshots are kept as test artifacts (git-ignored; CI may collect the folder). */
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', 'test-artifacts');
