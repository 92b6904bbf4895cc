import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

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

export interface ChromiumForFile {
  /** The file's Chromium; started before its first test. */
  readonly browser: Browser;
  /** Run after each test, last pushed first: contexts, servers. */
  readonly cleanups: (() => Promise<unknown>)[];
}

/** One Chromium for a test file: launched before its tests, closed after; `cleanups` run after each test. */
export function useChromium(): ChromiumForFile {
  let browser: Browser | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
    await mkdir(ARTIFACTS_DIR, { recursive: true });
  });
  afterAll(() => browser?.close());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not started yet: use it inside a test');
      return browser;
    },
    cleanups,
  };
}
