import { describe, expect, it } from 'vitest';
import { isEdgeError } from '../src/errors.js';
import type { CapacityChange } from '../src/hotspot/sessions/full-episode.js';
import { HotspotSessions } from '../src/hotspot/sessions/hotspot-sessions.js';
import {
  captureLogs,
  FakeLeases,
  IDLE_S,
  RECONCILE_MS,
  RecordingFirewall,
  SESSION_S,
  sessionsRig,
} from './support/hotspot-sessions-fakes.js';

const PHONE = 'a2:11:22:33:44:55';
const PHONE_IP = '10.42.0.17';
const OTHER = '5e:aa:bb:cc:dd:ee';
const OTHER_IP = '10.42.0.18';

describe('hotspot sessions: acceptance', () => {
  it('knows nobody without a lease and refuses them without touching the firewall', async () => {
    const rig = await sessionsRig();
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({ known: false, accepted: false });
    expect(await rig.sessions.accept(PHONE_IP)).toEqual({ ok: false, reason: 'unknown-client' });
    expect(rig.firewall.count('allow')).toBe(0);
    expect(rig.sessions.aggregate().sessionsToday).toBe(0);
  });

  it('puts the client in the allowed set with the idle timeout before accept resolves', async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({ known: true, accepted: false });
    const release = rig.firewall.holdAllows();
    let resolved = false;
    const accepting = rig.sessions.accept(PHONE_IP).then((result) => {
      resolved = true;
      return result;
    });
    await rig.flush();
    expect(resolved).toBe(false);
    release();
    const result = await accepting;
    expect(rig.firewall.has(PHONE_IP)).toBe(true);
    expect(rig.firewall.calls).toContainEqual({ op: 'allow', ip: PHONE_IP, timeoutS: IDLE_S });
    expect(result).toEqual({
      ok: true,
      view: { known: true, accepted: true, secondsRemaining: IDLE_S, sessionSecondsRemaining: SESSION_S },
    });
    expect(await rig.sessions.lookup(PHONE_IP)).toMatchObject({ known: true, accepted: true });
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 1, sessionsToday: 1 });
  });

  it('is idempotent for a client already accepted', async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
    expect(rig.firewall.count('allow')).toBe(1);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 1, sessionsToday: 1 });
  });

  it('opens one session when two acceptances for one address arrive at once', async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    const release = rig.firewall.holdAllows();
    const both = Promise.all([rig.sessions.accept(PHONE_IP), rig.sessions.accept(PHONE_IP)]);
    await rig.flush();
    release();
    const [first, second] = await both;
    expect(first.ok && second.ok).toBe(true);
    expect(rig.firewall.count('allow')).toBe(1);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 1, sessionsToday: 1 });
  });

  it("refuses 'full' at the client ceiling, counts it, and lets the next one in once a place frees up", async () => {
    const rig = await sessionsRig({ maxClients: 1 });
    rig.join(PHONE, PHONE_IP);
    rig.join(OTHER, OTHER_IP);
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
    expect(await rig.sessions.accept(OTHER_IP)).toEqual({ ok: false, reason: 'full' });
    expect(rig.firewall.has(OTHER_IP)).toBe(false);
    expect(rig.sessions.aggregate().refusedFullToday).toBe(1);
    rig.stations.emit('disconnected', PHONE);
    await rig.settle();
    expect((await rig.sessions.accept(OTHER_IP)).ok).toBe(true);
  });

  it('reports a full episode once, from the first refusal until a place frees up, with counts only', async () => {
    const changes: CapacityChange[] = [];
    const rig = await sessionsRig({ maxClients: 1, onCapacity: (change) => changes.push(change) });
    rig.join(PHONE, PHONE_IP);
    rig.join(OTHER, OTHER_IP);
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
    // Full, but nobody else wants in yet: no news.
    expect(changes).toEqual([]);
    const start = rig.clock.now();
    await rig.sessions.accept(OTHER_IP);
    rig.clock.advance(90_000);
    await rig.sessions.accept(OTHER_IP);
    expect(changes).toEqual([{ full: true, at: start, capacity: 1 }]);
    rig.stations.emit('disconnected', PHONE);
    await rig.settle();
    expect(changes).toHaveLength(2);
    expect(changes[1]).toEqual({ full: false, at: start + 90_000, capacity: 1, refused: 2, durationMs: 90_000 });
    // The next refusal is a new episode.
    expect((await rig.sessions.accept(OTHER_IP)).ok).toBe(true);
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    expect(changes.map((c) => c.full)).toEqual([true, false, true]);
    expect(JSON.stringify(changes)).not.toMatch(/10\.42|a2:11|5e:aa/i);
  });

  it('frees the place of a client the kernel idled out before refusing the next one', async () => {
    const rig = await sessionsRig({ maxClients: 1, reconcileIntervalMs: 3_600_000 });
    rig.join(PHONE, PHONE_IP);
    rig.join(OTHER, OTHER_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.clock.advance(IDLE_S * 1000);
    expect((await rig.sessions.accept(OTHER_IP)).ok).toBe(true);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 1, endedIdleToday: 1, refusedFullToday: 0 });
  });

  it('keeps the ceiling when two clients race for the last place', async () => {
    const rig = await sessionsRig({ maxClients: 1 });
    rig.join(PHONE, PHONE_IP);
    rig.join(OTHER, OTHER_IP);
    const release = rig.firewall.holdAllows();
    const both = Promise.all([rig.sessions.accept(PHONE_IP), rig.sessions.accept(OTHER_IP)]);
    await rig.flush();
    release();
    const results = await both;
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results).toContainEqual({ ok: false, reason: 'full' });
    expect(rig.firewall.count('allow')).toBe(1);
  });

  it('holds no place and rethrows when the firewall fails', async () => {
    const rig = await sessionsRig({ maxClients: 1 });
    rig.join(PHONE, PHONE_IP);
    rig.firewall.failAllowWith = new Error('nft add element inet hotspot allowed { 10.42.0.17 } failed');
    await expect(rig.sessions.accept(PHONE_IP)).rejects.toThrow(/failed/);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 0, sessionsToday: 0 });
    rig.firewall.failAllowWith = undefined;
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
  });

  it('reports the uplink as the injected flag says', async () => {
    const rig = await sessionsRig();
    expect(rig.sessions.uplinkUp()).toBe(true);
    rig.uplink.up = false;
    expect(rig.sessions.uplinkUp()).toBe(false);
  });

  it('refuses options it cannot run with, with a coded error', () => {
    const clock = { now: () => 0, setTimeout: () => ({}) as never, clearTimeout: () => {} };
    const base = {
      firewall: new RecordingFirewall(clock),
      leases: new FakeLeases(),
      clock,
      logger: captureLogs('info').logger,
      uplinkUp: () => true,
      idleTimeoutS: 900,
      sessionTimeoutS: 3600,
      maxClients: 8,
    };
    for (const bad of [
      { idleTimeoutS: 0 },
      { maxClients: 2.5 },
      { sessionTimeoutS: -1 },
      { timeZone: 'Mars/Olympus' },
    ]) {
      let thrown: unknown;
      try {
        new HotspotSessions({ ...base, ...bad });
      } catch (err) {
        thrown = err;
      }
      expect(isEdgeError(thrown, 'EDG_CONFIG_INVALID')).toBe(true);
    }
  });
});

describe('hotspot sessions: how a session ends', () => {
  it('ends when the device leaves: the address is revoked and probing sees the portal again', async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.stations.emit('disconnected', PHONE);
    await rig.settle();
    expect(rig.firewall.calls).toContainEqual({ op: 'revoke', ip: PHONE_IP });
    expect(rig.firewall.has(PHONE_IP)).toBe(false);
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({ known: true, accepted: false });
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 0, endedLeftToday: 1, stationsNow: 0 });
  });

  it('gives a device that comes back a new session', async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.stations.emit('disconnected', PHONE);
    await rig.settle();
    rig.stations.emit('connected', PHONE);
    rig.leases.emit('old', PHONE, PHONE_IP);
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
    expect(rig.firewall.count('allow')).toBe(2);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 1, sessionsToday: 2, distinctDevicesToday: 1 });
  });

  it('ends at idle expiry when the kernel drops the address, noticed by the periodic read-back', async () => {
    const rig = await sessionsRig();
    const start = rig.clock.now();
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    const tick = async () => {
      rig.clock.advance(RECONCILE_MS);
      await rig.settle();
    };
    while (rig.clock.now() < start + IDLE_S * 1000 - RECONCILE_MS) await tick();
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 1, endedIdleToday: 0 });
    await tick();
    await tick();
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 0, endedIdleToday: 1 });
    expect(rig.firewall.count('revoke')).toBe(0);
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({ known: true, accepted: false });
  });

  it('notices an idle expiry on lookup too, before the next periodic read', async () => {
    const rig = await sessionsRig({ reconcileIntervalMs: 3_600_000 });
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.clock.advance(IDLE_S * 1000);
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({ known: true, accepted: false });
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 0, endedIdleToday: 1 });
  });

  it('starts a new session when an idled-out client accepts again before any read-back', async () => {
    const rig = await sessionsRig({ reconcileIntervalMs: 3_600_000 });
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.clock.advance(IDLE_S * 1000 + 1);
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
    expect(rig.firewall.has(PHONE_IP)).toBe(true);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 1, sessionsToday: 2, endedIdleToday: 1 });
  });

  it('stays open while the client has traffic, then ends at the session timeout', async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    for (let s = 0; s < SESSION_S - 60; s += 60) {
      rig.clock.advance(60_000);
      rig.firewall.traffic(PHONE_IP, 1000, 5000);
    }
    await rig.settle();
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({
      known: true,
      accepted: true,
      secondsRemaining: 60,
      sessionSecondsRemaining: 60,
    });
    rig.clock.advance(60_000);
    await rig.settle();
    expect(rig.firewall.calls).toContainEqual({ op: 'revoke', ip: PHONE_IP });
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({ known: true, accepted: false });
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 0, endedTimeoutToday: 1, endedIdleToday: 0 });
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
  });

  it('reports the sooner of idle expiry and session end, the session end itself, and the quota when one applies', async () => {
    const rig = await sessionsRig({ quota: { bytesRemaining: (ip) => (ip === PHONE_IP ? 5_000_000 : undefined) } });
    rig.join(PHONE, PHONE_IP);
    rig.join(OTHER, OTHER_IP);
    await rig.sessions.accept(PHONE_IP);
    await rig.sessions.accept(OTHER_IP);
    rig.clock.advance(100_000);
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({
      known: true,
      accepted: true,
      secondsRemaining: IDLE_S - 100,
      sessionSecondsRemaining: SESSION_S - 100,
      bytesRemaining: 5_000_000,
    });
    for (let s = 100; s < SESSION_S - 300; s += 100) {
      rig.firewall.traffic(OTHER_IP);
      rig.clock.advance(100_000);
    }
    rig.firewall.traffic(OTHER_IP);
    // Idle left is the full 900 s, the session only 300 s: the session wins.
    expect(await rig.sessions.lookup(OTHER_IP)).toEqual({
      known: true,
      accepted: true,
      secondsRemaining: 300,
      sessionSecondsRemaining: 300,
    });
  });

  it("ends on the lease's `del`, and the address is no longer known", async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.leases.emit('del', PHONE, PHONE_IP);
    await rig.settle();
    expect(rig.firewall.has(PHONE_IP)).toBe(false);
    expect(await rig.sessions.lookup(PHONE_IP)).toEqual({ known: false, accepted: false });
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 0, endedLeftToday: 1 });
  });

  it("ends a session when its address is leased to another device, and ignores the old holder's late del", async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.join(OTHER, PHONE_IP);
    await rig.settle();
    expect(rig.firewall.has(PHONE_IP)).toBe(false);
    expect(await rig.sessions.accept(PHONE_IP)).toMatchObject({ ok: true });
    rig.leases.emit('del', PHONE, PHONE_IP);
    await rig.settle();
    expect(await rig.sessions.lookup(PHONE_IP)).toMatchObject({ known: true, accepted: true });
  });

  it('undoes an acceptance whose device left while the kernel was being told', async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    const release = rig.firewall.holdAllows();
    const accepting = rig.sessions.accept(PHONE_IP);
    await rig.flush();
    rig.stations.emit('disconnected', PHONE);
    release();
    expect(await accepting).toEqual({ ok: false, reason: 'unknown-client' });
    await rig.settle();
    expect(rig.firewall.has(PHONE_IP)).toBe(false);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 0, sessionsToday: 0, endedLeftToday: 0 });
  });

  it('never lets a revocation overtake a newer acceptance of the same address', async () => {
    const rig = await sessionsRig();
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.stations.emit('disconnected', PHONE);
    rig.join(PHONE, PHONE_IP);
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
    await rig.settle();
    expect(rig.firewall.calls.filter((call) => call.op !== 'list').map((call) => call.op)).toEqual([
      'allow',
      'revoke',
      'allow',
    ]);
    expect(rig.firewall.has(PHONE_IP)).toBe(true);
  });

  it('adopts at start what a previous run left in the kernel set, then ends it like any other', async () => {
    const rig = await sessionsRig({
      before: (r) => {
        r.leases.held = [{ mac: PHONE, ip: PHONE_IP }];
        r.stations.associated = [PHONE];
        r.firewall.preload(PHONE_IP, IDLE_S);
      },
    });
    expect(await rig.sessions.lookup(PHONE_IP)).toMatchObject({ known: true, accepted: true });
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 1, sessionsToday: 0, stationsNow: 1 });
    rig.stations.emit('disconnected', PHONE);
    await rig.settle();
    expect(rig.firewall.has(PHONE_IP)).toBe(false);
    expect(rig.sessions.aggregate()).toMatchObject({ sessionsNow: 0, endedLeftToday: 1 });
  });
});
