import type { CDPSession, Page } from 'playwright-core';
import { groupTransfers, type TransferGroup, TransferLog, totalWireBytes } from './network.js';

export interface FirstLoad {
  /** Everything the fleet view pulled from navigation until all markers were drawn and the network went quiet. */
  totalWireBytes: number;
  /** Of which the page's files (HTML, scripts, styles, dictionaries, images): what a cache keeps. */
  staticWireBytes: number;
  /** Of which the API (JSON and the live stream up to then). */
  apiWireBytes: number;
  requests: number;
  byResource: TransferGroup[];
  /** From navigation start, ms. */
  domContentLoadedMs: number | null;
  firstRowMs: number | null;
  firstMarkerMs: number | null;
  allMarkersMs: number | null;
  /** Until the last request (other than the live stream) finished, ms. */
  networkQuietMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads `url` with Chromium's cache emptied first, and counts the bytes of every request until every
 * marker is on the map and no request has been open for a second (the live stream aside).
 */
export async function measureFirstLoad(
  page: Page,
  cdp: CDPSession,
  url: string,
  timeoutMs: number,
): Promise<FirstLoad> {
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  const log = new TransferLog(cdp);
  const started = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  let quietSince: number | null = null;
  let lastCount = 0;
  for (;;) {
    const marks = await page.evaluate(() => window.__bench.marks());
    const count = log.snapshot().length;
    const quiet = log.inFlight() === 0 && count === lastCount;
    lastCount = count;
    quietSince = quiet ? (quietSince ?? Date.now()) : null;
    if (marks.allMarkersMs !== null && quietSince !== null && Date.now() - quietSince >= 1000) {
      const transfers = log.snapshot();
      const api = transfers.filter((t) => t.path.startsWith('/api/'));
      return {
        totalWireBytes: totalWireBytes(transfers),
        staticWireBytes: totalWireBytes(transfers) - totalWireBytes(api),
        apiWireBytes: totalWireBytes(api),
        requests: transfers.length,
        byResource: groupTransfers(transfers),
        domContentLoadedMs: round(marks.domContentLoadedMs),
        firstRowMs: round(marks.firstRowMs),
        firstMarkerMs: round(marks.firstMarkerMs),
        allMarkersMs: round(marks.allMarkersMs),
        networkQuietMs: quietSince - started,
      };
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `the fleet view did not finish loading within ${timeoutMs} ms (markers: ${marks.allMarkersMs === null ? 'not all' : 'all'}, requests open: ${log.inFlight()})`,
      );
    }
    await sleep(100);
  }
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms));
