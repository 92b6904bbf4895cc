import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTIVE_API_URL, startDnsmasq } from './support/captive/hotspot.js';
import { acceptByForm } from './support/captive/residents.js';
import { type Client, createHarness, curl, type Harness, internetHost } from './support/netns/index.js';
import { SharingService, sharingSection } from './support/sharing/sharing-hotspot.js';
import { BULK_PORT, mbit, startBulkServer, type Transfer, transfer } from './support/sharing/throughput.js';

// Issue 8, fair sharing: per-client ceilings (tc HTB, classes chosen by the nft ruleset) and volume
// quotas, for real in network namespaces. The AP runs the real dnsmasq and the edge's hotspot service;
// two accepted phones pull and push bulk TCP to a server on the fake Internet at the same time, and
// each one's throughput is measured by the receiving side. Run `npx tsc -b` first (the service runs
// from edge's build).

const DOWN_KBIT = 4_000;
const UP_KBIT = 2_000;
/** Each transfer: long enough for TCP to settle, short enough for the suite to stay under a minute. */
const WINDOW_MS = 3_000;
/** HTB counts a GRO/GSO packet (up to 64 KiB) at once, so a 3 s mean may exceed the rate by a packet or two. */
const TOLERANCE = 1.1;
const FLOOR = 0.5;
const QUOTA_BYTES = 3_000_000;
const BULK_HOST = internetHost('neverssl.com').ipv4 ?? '';

let h: Harness;
let service: SharingService;
let first: Client;
let second: Client;
let quotaPhone: Client;

const both = (direction: 'down' | 'up') =>
  Promise.all([first, second].map((client) => transfer(client, BULK_HOST, direction, WINDOW_MS)));
const line = (label: string, runs: Transfer[]) =>
  `${label}: ${runs.map((r) => `${mbit(r.kbit)} (seconds ${mbit(r.minSecondKbit)}–${mbit(r.maxSecondKbit)})`).join(' | ')}`;

async function api(client: Client): Promise<Record<string, unknown>> {
  return JSON.parse((await curl(client, { url: CAPTIVE_API_URL })).body) as Record<string, unknown>;
}

beforeAll(async () => {
  h = await createHarness({ clients: 3 });
  [first, second, quotaPhone] = h.clients as [Client, Client, Client];
  await startDnsmasq(h, await sharingSection(h, {}));
  await Promise.all([...h.clients.map((client) => client.dhcp()), startBulkServer(h)]);
  service = new SharingService(h);
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await h?.close();
});

describe('fair sharing of the 4G link, for real in namespaces', () => {
  it(`two phones at once each stay under their ceiling: ${DOWN_KBIT} kbit/s down, ${UP_KBIT} kbit/s up`, async () => {
    await service.start(
      await sharingSection(h, { bandwidth: { perClientDownKbit: DOWN_KBIT, perClientUpKbit: UP_KBIT } }),
    );
    for (const client of [first, second]) expect((await acceptByForm(client)).login.status).toBe(200);

    const down = await both('down');
    const up = await both('up');
    for (const run of down) {
      expect(run.kbit).toBeLessThanOrEqual(DOWN_KBIT * TOLERANCE);
      expect(run.kbit).toBeGreaterThanOrEqual(DOWN_KBIT * FLOOR);
    }
    for (const run of up) {
      expect(run.kbit).toBeLessThanOrEqual(UP_KBIT * TOLERANCE);
      expect(run.kbit).toBeGreaterThanOrEqual(UP_KBIT * FLOOR);
    }
    // Each phone's bytes went through its own class (the nft map chose it), on both interfaces.
    const classes = await h.ap.exec('tc', ['-s', 'class', 'show', 'dev', h.plan.ap.bridge]);
    const minorOf = (client: Client) => (Number(client.lease?.ip.split('.')[3]) - 10 + 2).toString(16);
    for (const client of [first, second]) {
      const sent = new RegExp(`class htb 1:${minorOf(client)} [^\\n]*\\n\\s*Sent (\\d+) bytes`).exec(classes.stdout);
      expect(Number(sent?.[1])).toBeGreaterThan(down[0]?.bytes ?? 0);
    }
    console.log(`${line('ceilings, down', down)}\n${line('ceilings, up', up)}`);
  }, 60_000);

  it('the same two phones without ceilings are far faster: the ceiling is what held them', async () => {
    await service.start(await sharingSection(h, {}));
    const root = await h.ap.exec('tc', ['qdisc', 'show', 'dev', h.plan.ap.bridge, 'root']);
    expect(root.stdout).not.toContain('htb');
    const down = await both('down');
    const up = await both('up');
    for (const run of down) expect(run.kbit).toBeGreaterThan(DOWN_KBIT * 10);
    for (const run of up) expect(run.kbit).toBeGreaterThan(UP_KBIT * 10);
    console.log(`${line('no ceilings, down', down)}\n${line('no ceilings, up', up)}`);
  }, 60_000);

  it('a phone with a small daily quota sees bytes-remaining fall, is cut off past it, and is told why', async () => {
    await service.start(
      await sharingSection(h, {
        bandwidth: { perClientDownKbit: DOWN_KBIT },
        quota: { bytesPerDay: QUOTA_BYTES, checkIntervalS: 1 },
      }),
    );
    expect((await acceptByForm(quotaPhone)).login.status).toBe(200);
    const before = await api(quotaPhone);
    expect(before).toMatchObject({ captive: false });
    expect(before['bytes-remaining']).toBeGreaterThan(QUOTA_BYTES * 0.9);

    // 4 Mbit/s moves the 3 MB in about 6 s; the download asks for 12 s.
    const download = transfer(quotaPhone, BULK_HOST, 'down', 12_000);
    const remaining: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const answer = await api(quotaPhone);
      if (answer.captive !== false) break;
      remaining.push(answer['bytes-remaining'] as number);
    }
    const run = await download;
    expect(remaining.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < remaining.length; i += 1) expect(remaining[i]).toBeLessThan(remaining[i - 1] as number);

    // Cut off: within a check interval or two of the quota, nothing more arrives.
    // The kernel counts IP bytes both ways (headers, ACKs): a little less payload than the quota arrives.
    expect(run.bytes).toBeGreaterThanOrEqual(QUOTA_BYTES * 0.85);
    expect(run.bytes).toBeLessThan(QUOTA_BYTES + 2 * (DOWN_KBIT * 125));
    expect(run.buckets.slice(-20).every((bytes) => bytes === 0)).toBe(true);
    expect(await api(quotaPhone)).toMatchObject({ captive: true });
    const totals = await service.aggregate();
    expect(totals.endedQuotaToday).toBe(1);

    // Tapping "Se connecter" again: the polite page, not a new session.
    const again = await acceptByForm(quotaPhone);
    expect(again.login.status).toBe(403);
    expect(again.login.body).toContain('Votre forfait du jour est épuisé');
    expect(await api(quotaPhone)).toMatchObject({ captive: true });
    console.log(
      `quota ${QUOTA_BYTES} B: bytes-remaining ${remaining.join(' → ')}; ${run.bytes} B arrived before the cut; ` +
        `bulk port ${BULK_PORT}`,
    );
  }, 60_000);
});
