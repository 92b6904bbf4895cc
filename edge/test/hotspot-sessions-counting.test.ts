import { describe, expect, it } from 'vitest';
import { IDLE_S, SESSION_S, type SessionsRig, sessionsRig } from './support/hotspot-sessions-fakes.js';

const PHONE = 'a2:11:22:33:44:55';
const PHONE_IP = '10.42.0.17';
/** The same phone on another day or network: iOS re-randomises its MAC. */
const PHONE_RANDOMISED = '7a:99:88:77:66:55';
const OTHER = '5e:aa:bb:cc:dd:ee';
const OTHER_IP = '10.42.0.18';

const MINUTE = 60_000;

async function joinAndAccept(rig: SessionsRig, mac: string, ip: string) {
  rig.join(mac, ip);
  expect((await rig.sessions.accept(ip)).ok).toBe(true);
}

async function leave(rig: SessionsRig, mac: string) {
  rig.stations.emit('disconnected', mac);
  await rig.settle();
}

describe('hotspot sessions: counts', () => {
  it('counts a device once a day however it comes back, and two randomised MACs as two', async () => {
    const rig = await sessionsRig();
    await joinAndAccept(rig, PHONE, PHONE_IP);
    await leave(rig, PHONE);
    // Same device, printed another way by another tool.
    await joinAndAccept(rig, 'A2-11-22-33-44-55', PHONE_IP);
    rig.leases.emit('old', PHONE, PHONE_IP);
    expect(rig.sessions.aggregate()).toMatchObject({ distinctDevicesToday: 1, sessionsToday: 2 });
    await leave(rig, PHONE);
    await joinAndAccept(rig, PHONE_RANDOMISED, OTHER_IP);
    expect(rig.sessions.aggregate()).toMatchObject({ distinctDevicesToday: 2, sessionsToday: 3, sessionsNow: 1 });
  });

  it('counts a device that only took a lease (no hostapd events) too', async () => {
    const rig = await sessionsRig();
    rig.leases.emit('add', OTHER, OTHER_IP);
    expect(rig.sessions.aggregate()).toMatchObject({ distinctDevicesToday: 1, stationsNow: 0 });
  });

  it('counts the stations associated now', async () => {
    const rig = await sessionsRig();
    rig.stations.emit('connected', PHONE);
    rig.stations.emit('connected', OTHER);
    rig.stations.emit('connected', PHONE);
    expect(rig.sessions.aggregate().stationsNow).toBe(2);
    await leave(rig, OTHER);
    expect(rig.sessions.aggregate().stationsNow).toBe(1);
  });

  it('totals bytes up and down from the nft counters, across a ruleset reload', async () => {
    const rig = await sessionsRig();
    await joinAndAccept(rig, PHONE, PHONE_IP);
    rig.firewall.traffic(PHONE_IP, 1_000, 50_000);
    await rig.sessions.refresh();
    expect(rig.sessions.aggregate()).toMatchObject({ bytesUp: 1_000, bytesDown: 50_000 });
    rig.firewall.resetCounters();
    rig.firewall.traffic(PHONE_IP, 200, 3_000);
    await rig.sessions.refresh();
    expect(rig.sessions.aggregate()).toMatchObject({ bytesUp: 1_200, bytesDown: 53_000 });
  });

  it('reports its client ceiling as the capacity', async () => {
    const rig = await sessionsRig({ maxClients: 3 });
    expect(rig.sessions.aggregate().capacity).toBe(3);
  });

  it('publishes numbers only: no address and no hash in the aggregate', async () => {
    const rig = await sessionsRig();
    await joinAndAccept(rig, PHONE, PHONE_IP);
    const aggregate = rig.sessions.aggregate();
    const { kind, ...counts } = aggregate;
    expect(kind).toBe('hotspot');
    for (const value of Object.values(counts)) expect(Number.isInteger(value)).toBe(true);
    expect(Object.keys(aggregate).sort()).toEqual(
      [
        'at',
        'bytesDown',
        'bytesUp',
        'capacity',
        'distinctDevicesToday',
        'endedIdleToday',
        'endedLeftToday',
        'endedQuotaToday',
        'endedTimeoutToday',
        'kind',
        'refusedFullToday',
        'sessionsNow',
        'sessionsToday',
        'stationsNow',
      ].sort(),
    );
  });
});

/** Hashes the debug log printed for sessions started, in order. */
function startedHashes(lines: string[]): string[] {
  return lines
    .map((line) => JSON.parse(line) as { msg?: string; device?: string })
    .filter((entry) => entry.msg === 'session started' && entry.device !== undefined)
    .map((entry) => entry.device as string);
}

describe('hotspot sessions: the day ends at local midnight', () => {
  it('resets the daily counts at Paris midnight, not UTC, and keeps the devices still there', async () => {
    // 23:00 in Paris (CEST, UTC+2); timeouts long enough that the session spans midnight.
    const rig = await sessionsRig({ start: Date.UTC(2025, 5, 10, 21, 0), idleTimeoutS: 7200, sessionTimeoutS: 14_400 });
    await joinAndAccept(rig, PHONE, PHONE_IP);
    await joinAndAccept(rig, OTHER, OTHER_IP);
    await leave(rig, OTHER);
    rig.clock.advance(60 * MINUTE - 1);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsToday: 2, distinctDevicesToday: 2, endedLeftToday: 1 });
    rig.clock.advance(1);
    expect(rig.sessions.aggregate()).toMatchObject({
      sessionsNow: 1,
      sessionsToday: 0,
      endedLeftToday: 0,
      distinctDevicesToday: 1,
    });
  });

  it('zeroes the old salt at midnight by itself, so the same device hashes differently the next day', async () => {
    const rig = await sessionsRig({ start: Date.UTC(2025, 5, 10, 21, 30), logLevel: 'debug' });
    await joinAndAccept(rig, PHONE, PHONE_IP);
    await leave(rig, PHONE);
    const yesterday = rig.salts[0];
    expect(yesterday?.some((byte) => byte !== 0)).toBe(true);
    rig.clock.advance(30 * MINUTE);
    // No call into the sessions since: the midnight timer alone destroyed it.
    expect(yesterday?.every((byte) => byte === 0)).toBe(true);
    expect(rig.salts).toHaveLength(2);
    await joinAndAccept(rig, PHONE, PHONE_IP);
    const [before, after] = startedHashes(rig.lines);
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    expect(after).toMatch(/^[0-9a-f]{16}$/);
    expect(after).not.toBe(before);
    expect(rig.sessions.aggregate()).toMatchObject({ distinctDevicesToday: 1, sessionsToday: 1 });
  });

  it('rolls over after 23 hours on the spring-forward day', async () => {
    // 2025-03-30 01:00 CET; that local day ends at 22:00 UTC (00:00 CEST).
    const rig = await sessionsRig({ start: Date.UTC(2025, 2, 30, 0, 0) });
    rig.join(PHONE, PHONE_IP);
    await leave(rig, PHONE);
    rig.clock.advance(22 * 60 * MINUTE - 1);
    expect(rig.sessions.aggregate().distinctDevicesToday).toBe(1);
    expect(rig.salts).toHaveLength(1);
    rig.clock.advance(1);
    expect(rig.salts).toHaveLength(2);
    expect(rig.sessions.aggregate().distinctDevicesToday).toBe(0);
  });

  it('rolls over after 25 hours on the fall-back day', async () => {
    // 2025-10-26 00:00 CEST is 25-10-25 22:00 UTC; the day ends at 23:00 UTC on the 26th.
    const rig = await sessionsRig({ start: Date.UTC(2025, 9, 25, 22, 0) });
    rig.join(PHONE, PHONE_IP);
    await leave(rig, PHONE);
    rig.clock.advance(25 * 60 * MINUTE - 1);
    expect(rig.sessions.aggregate().distinctDevicesToday).toBe(1);
    rig.clock.advance(1);
    expect(rig.sessions.aggregate().distinctDevicesToday).toBe(0);
    // And the next one is an ordinary 24-hour day.
    rig.join(PHONE, PHONE_IP);
    rig.clock.advance(24 * 60 * MINUTE - 1);
    expect(rig.salts).toHaveLength(2);
    rig.clock.advance(1);
    expect(rig.salts).toHaveLength(3);
  });

  it("follows a configured zone's midnight", async () => {
    // 23:30 in New York (EDT, UTC-4).
    const rig = await sessionsRig({ start: Date.UTC(2025, 5, 11, 3, 30), timeZone: 'America/New_York' });
    rig.join(PHONE, PHONE_IP);
    await leave(rig, PHONE);
    rig.clock.advance(30 * MINUTE - 1);
    expect(rig.sessions.aggregate().distinctDevicesToday).toBe(1);
    rig.clock.advance(1);
    expect(rig.sessions.aggregate().distinctDevicesToday).toBe(0);
  });

  it('rolls over on the next call when the clock jumped past midnight (NTP at boot)', async () => {
    const rig = await sessionsRig({ start: Date.UTC(2025, 5, 10, 12, 0) });
    rig.join(PHONE, PHONE_IP);
    await leave(rig, PHONE);
    await rig.sessions.stop();
    // stop() destroyed the salt; a jump of days is seen on the next call without any timer.
    expect(rig.salts[0]?.every((byte) => byte === 0)).toBe(true);
    rig.clock.advance(3 * 24 * 60 * MINUTE);
    expect(rig.sessions.aggregate()).toMatchObject({ distinctDevicesToday: 0, sessionsToday: 0 });
  });
});

describe('hotspot sessions: logs', () => {
  const ADDRESSES = [PHONE, PHONE_RANDOMISED, OTHER, PHONE_IP, OTHER_IP, '10.42.0.19', 'c6:01:02:03:04:05'];
  const variants = (address: string) => [address, address.toUpperCase(), address.replaceAll(':', '-')];

  /** Every lifecycle path, including failures whose messages carry an address. */
  async function wholeLifecycle(rig: SessionsRig) {
    await joinAndAccept(rig, PHONE, PHONE_IP);
    await joinAndAccept(rig, OTHER, OTHER_IP);
    expect(await rig.sessions.accept('10.42.0.99')).toEqual({ ok: false, reason: 'unknown-client' });
    rig.join('c6:01:02:03:04:05', '10.42.0.19');
    expect(await rig.sessions.accept('10.42.0.19')).toEqual({ ok: false, reason: 'full' });
    await leave(rig, PHONE);
    rig.clock.advance(IDLE_S * 1000);
    await rig.sessions.refresh();
    await joinAndAccept(rig, PHONE_RANDOMISED, PHONE_IP);
    rig.firewall.failRevokeWith = new Error(`nft delete element inet hotspot allowed { ${PHONE_IP} } failed`);
    rig.leases.emit('del', PHONE_RANDOMISED, PHONE_IP);
    await rig.settle();
    rig.firewall.failRevokeWith = undefined;
    await joinAndAccept(rig, OTHER, OTHER_IP);
    for (let s = 0; s <= SESSION_S; s += 600) {
      rig.firewall.traffic(OTHER_IP, 10, 10);
      rig.clock.advance(600_000);
    }
    await rig.settle();
    rig.firewall.failAllowWith = new Error(`allow ${OTHER_IP} for ${OTHER} failed`);
    await expect(rig.sessions.accept(OTHER_IP)).rejects.toThrow();
    rig.clock.advance(24 * 60 * MINUTE);
    await rig.sessions.stop();
  }

  it('never writes a MAC or an IP at info level over a whole lifecycle', async () => {
    const rig = await sessionsRig({ maxClients: 2 });
    await wholeLifecycle(rig);
    const log = rig.lines.join('');
    for (const event of ['session-started', 'session-ended', 'revoke-failed', 'allow-failed', 'day-rollover']) {
      expect(log).toContain(event);
    }
    for (const reason of ['left', 'idle', 'timeout']) expect(log).toContain(`"reason":"${reason}"`);
    for (const address of ADDRESSES) for (const form of variants(address)) expect(log).not.toContain(form);
  });

  it('holds hashes of the day at debug level, never a raw address', async () => {
    const rig = await sessionsRig({ maxClients: 2, logLevel: 'debug' });
    await wholeLifecycle(rig);
    const log = rig.lines.join('');
    expect(startedHashes(rig.lines).length).toBeGreaterThanOrEqual(4);
    expect(log).toContain('accept-refused');
    for (const address of ADDRESSES) for (const form of variants(address)) expect(log).not.toContain(form);
  });
});
