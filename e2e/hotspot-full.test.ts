import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaisedEvent } from '../edge/src/events/unit-events.js';
import { validateHotspotSection } from '../edge/src/hotspot/edge-config.js';
import { CaptiveHotspot, harnessSection } from './support/captive/hotspot.js';
import { acceptByForm, tcpConnect } from './support/captive/residents.js';
import { type Client, createHarness, type Harness, internetHost, waitForVerdict } from './support/netns/index.js';

// Issue 8, item 5: "when full, refuse politely with a portal page, and raise an event", for real in
// network namespaces. The AP runs the real dnsmasq and the edge's hotspot service with a ceiling of one
// resident (wifi.maxStations); two phones take leases with udhcpc. The second is turned away with the
// French "full" page and stays off the Internet, one portal-full event starts; when the first phone
// releases its lease (dnsmasq's lease hook → the service), the event ends and the second gets in.
// Run `npx tsc -b` first: the service's process runs from edge's build.

const CAPACITY = 1;
const HTTPS_HOST = internetHost('www.google.com').ipv4 ?? '';
const MAC = /[0-9a-f]{2}(:[0-9a-f]{2}){5}/i;

let h: Harness;
let hotspot: CaptiveHotspot;
/** `first` takes the only place; `second` arrives when the hotspot is full. */
let first: Client;
let second: Client;
/** Both phones' addresses and MACs, kept: a released lease leaves `first.lease` empty. */
let residents: string[] = [];

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 15_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Nothing that names a resident: neither phone's address nor its MAC, nor any MAC at all. */
function expectNoResident(events: RaisedEvent[]): void {
  for (const event of events) {
    const json = JSON.stringify(event);
    expect(json).not.toMatch(MAC);
    for (const value of residents) expect(json.toLowerCase()).not.toContain(value.toLowerCase());
    expect(Object.keys(event.data ?? {}).every((key) => ['capacity', 'refused', 'fullS'].includes(key))).toBe(true);
  }
}

beforeAll(async () => {
  h = await createHarness({ clients: 2 });
  [first, second] = h.clients as [Client, Client];
  const base = await harnessSection(h);
  const section = validateHotspotSection({ ...base, wifi: { ...base.wifi, maxStations: CAPACITY } });
  hotspot = await CaptiveHotspot.startDnsmasq(h, section);
  const leases = await Promise.all(h.clients.map((client) => client.dhcp()));
  const macs = await Promise.all(h.clients.map((client) => client.mac()));
  residents = [...leases.map((result) => result.lease.ip), ...macs];
  await hotspot.startService();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('a full hotspot refuses politely and raises one event, for real in namespaces', () => {
  it('the first phone takes the only place', async () => {
    expect(await hotspot.aggregate()).toMatchObject({ capacity: CAPACITY, sessionsNow: 0, refusedFullToday: 0 });
    expect((await acceptByForm(first)).login.status).toBe(200);
    await waitForVerdict(first, 'android', 'online');
    expect(await hotspot.aggregate()).toMatchObject({ sessionsNow: 1, refusedFullToday: 0 });
    expect(await hotspot.capacityEvents()).toEqual([]);
  });

  it('the second phone is captive, gets the French "full" page twice, and stays off the Internet', async () => {
    // Retried like a phone: on a busy machine the uplink watch can miss twice and the portal says "no Internet".
    await waitForVerdict(second, 'apple', 'captive', { timeoutMs: 10_000, intervalMs: 250 });
    h.internet.clearRequests();

    for (let tap = 1; tap <= 2; tap += 1) {
      const { landing, login } = await acceptByForm(second);
      expect(landing.status).toBe(200);
      expect(login.status).toBe(503);
      expect(login.headers['retry-after']).toBe('60');
      expect(login.headers['x-error-code']).toBe('EDG_PORTAL_FULL');
      expect(login.headers['cache-control']).toBe('no-store');
      expect(login.contentType).toMatch(/^text\/html/);
      expect(login.body).toContain('lang="fr"');
      expect(login.body).toContain('Le Wifi est complet');
      expect(login.body).toContain('Réessayez dans quelques minutes');
      expect(login.body).toContain('EDG_PORTAL_FULL');
    }

    // The ruleset resets a captive resident's connections to the Internet at once.
    expect(await tcpConnect(second, HTTPS_HOST, 443)).toBe('ECONNREFUSED');
    await waitForVerdict(second, 'android', 'captive', { timeoutMs: 10_000, intervalMs: 250 });
    expect(h.internet.requests()).toEqual([]);
    expect(await hotspot.allowedIps()).toEqual([first.lease?.ip]);
    expect(await hotspot.aggregate()).toMatchObject({ capacity: CAPACITY, sessionsNow: 1, refusedFullToday: 2 });
  });

  it('exactly one portal-full event starts, with counts only', async () => {
    const events = await hotspot.capacityEvents();
    expect(events).toEqual([{ kind: 'portal-full', active: true, severity: 'warning', data: { capacity: CAPACITY } }]);
    expectNoResident(events);
  });

  it('when the first phone leaves, the event ends with the refusals counted and the second phone gets in', async () => {
    const leftAt = performance.now();
    await first.stopDhcp({ release: true });
    // dnsmasq runs the lease hook on the DHCPRELEASE; the service ends the session from its event.
    const events = await until(
      () => hotspot.capacityEvents(),
      (list) => list.length >= 2,
      'the portal-full event to end',
    );
    const endedMs = performance.now() - leftAt;
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      kind: 'portal-full',
      active: false,
      severity: 'warning',
      data: { capacity: CAPACITY, refused: 2 },
    });
    expect(events[1]?.data?.fullS).toBeGreaterThanOrEqual(0);
    expectNoResident(events);
    expect(await hotspot.aggregate()).toMatchObject({ sessionsNow: 0, endedLeftToday: 1, endedIdleToday: 0 });

    const { login } = await acceptByForm(second);
    expect(login.status).toBe(200);
    expect(login.body).toContain('C’est fait : vous êtes connecté·e');
    await waitForVerdict(second, 'android', 'online');
    expect(await tcpConnect(second, HTTPS_HOST, 443)).toBe('CONNECTED');
    // The first phone's address leaves the kernel set on its own queue, maybe after the second's acceptance.
    await until(
      () => hotspot.allowedIps(),
      (allowed) => allowed.length === 1 && allowed[0] === second.lease?.ip,
      'the allowed set to hold the second phone only',
    );
    // A new session under the ceiling: no new episode.
    expect(await hotspot.capacityEvents()).toHaveLength(2);
    expect(await hotspot.aggregate()).toMatchObject({ sessionsNow: 1, sessionsToday: 2, refusedFullToday: 2 });
    console.log(
      `portal-full ended ${Math.round(endedMs)} ms after the first phone's DHCPRELEASE: ${JSON.stringify(events)}`,
    );
  });

  it('never logs a MAC or a resident’s address at info level', async () => {
    const ips = residents.filter((value) => !MAC.test(value));
    expect(ips).toHaveLength(2);
    for (const line of await hotspot.infoLogLines()) {
      expect(line).not.toMatch(MAC);
      for (const ip of ips) expect(line.includes(`"${ip}"`) || line.includes(`${ip} `), line).toBe(false);
    }
  });
});
