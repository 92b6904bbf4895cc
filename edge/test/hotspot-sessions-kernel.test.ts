import { systemClock } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { HotspotSessions } from '../src/hotspot/sessions/hotspot-sessions.js';
import { captureLogs, FakeLeases } from './support/hotspot-sessions-fakes.js';
import { type NftNamespace, nftNamespace } from './support/hotspot-sessions-nft.js';
import { until } from './support/until.js';

const IDLE_S = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MAC = 'a2:11:22:33:44:55';

describe('hotspot sessions against the real kernel set', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps a client while its packets refresh the element, and notices when the kernel drops it idle', async () => {
    const ns: NftNamespace = await nftNamespace(IDLE_S);
    cleanups.push(ns.close);
    const leases = new FakeLeases();
    const { logger, lines } = captureLogs('info');
    const sessions = new HotspotSessions({
      firewall: ns.firewall,
      leases,
      clock: systemClock,
      logger,
      uplinkUp: () => true,
      idleTimeoutS: IDLE_S,
      sessionTimeoutS: 3600,
      maxClients: 8,
      reconcileIntervalMs: 200,
    });
    await sessions.start();
    cleanups.push(() => sessions.stop());
    leases.emit('add', MAC, ns.clientIp);

    expect((await sessions.accept(ns.clientIp)).ok).toBe(true);
    expect((await ns.firewall.listAllowed()).map((entry) => entry.ip)).toEqual([ns.clientIp]);
    const view = await sessions.lookup(ns.clientIp);
    expect(view.accepted).toBe(true);
    expect(view.secondsRemaining).toBeLessThanOrEqual(IDLE_S);

    // Twice the idle timeout with traffic: the packet path keeps refreshing the element.
    const busyUntil = Date.now() + 2 * IDLE_S * 1000;
    while (Date.now() < busyUntil) {
      await ns.sendFromClient();
      await sleep(250);
    }
    expect((await sessions.lookup(ns.clientIp)).accepted).toBe(true);
    expect(sessions.aggregate().endedIdleToday).toBe(0);

    // Silence: the kernel drops it, and the periodic read-back alone (no lookup) ends the session.
    const deadline = Date.now() + 10_000;
    while ((await ns.firewall.listAllowed()).length > 0) {
      if (Date.now() > deadline) throw new Error('the kernel never expired the element');
      await sleep(100);
    }
    await until(() => sessions.aggregate().endedIdleToday === 1, 'the idle end to be noticed', 5_000);
    expect(sessions.aggregate()).toMatchObject({ sessionsNow: 0, sessionsToday: 1 });
    expect(await sessions.lookup(ns.clientIp)).toEqual({ known: true, accepted: false });

    // The counters were read from the kernel: the client's attempts went out and the refusals came back.
    await sessions.refresh();
    const { bytesUp, bytesDown } = sessions.aggregate();
    expect(bytesUp).toBeGreaterThan(0);
    expect(bytesDown).toBeGreaterThan(0);

    // Probing works again: a new acceptance is a new session in the kernel.
    expect((await sessions.accept(ns.clientIp)).ok).toBe(true);
    expect((await ns.firewall.listAllowed()).map((entry) => entry.ip)).toEqual([ns.clientIp]);
    expect(sessions.aggregate()).toMatchObject({ sessionsNow: 1, sessionsToday: 2 });
    expect(lines.join('')).not.toContain(ns.clientIp);
  });
});
