import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../browser.js';
import type { Client } from './client.js';
import type { Harness } from './harness.js';
import { chromiumWrapper } from './scripts.js';

/** The flags of support/browser.ts: no sandbox as root, no traffic but the page's own. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Debian Chromium whose network is the client's namespace, driven from the test through
 * Playwright as usual. The host cannot reach a namespace's loopback, so no CDP port is used:
 * Playwright's executablePath is a wrapper that execs `ip netns exec <client> … chromium`, and the
 * DevTools pipe (fds 3 and 4) passes through the exec chain untouched. DNS is the client's lease.
 * The browser is closed on harness.close() if the test has not closed it.
 */
export async function launchChromiumIn(harness: Harness, client: Client, extraArgs: string[] = []): Promise<Browser> {
  const wrapper = join(client.files.dir, 'chromium.sh');
  const script = chromiumWrapper(client.name, client.files.scripts.withResolv, client.files.resolvFile, CHROMIUM_PATH);
  await writeFile(wrapper, script, { mode: 0o755 });
  const browser = await chromium.launch({
    executablePath: wrapper,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  harness.onClose(() => browser.close());
  return browser;
}
