import { describe, expect, it } from 'vitest';
import type { SessionObserver } from '../src/hotspot/sessions/ports.js';
import { IDLE_S, RECONCILE_MS, SESSION_S, sessionsRig } from './support/hotspot-sessions-fakes.js';

// The sessions tell the legal log who held which address from when to when, with the terminal's MAC:
// at acceptance, at adoption after a restart, and at every kind of end.

const PHONE = 'A2-11-22-33-44-55';
const PHONE_MAC = 'a2:11:22:33:44:55';
const PHONE_IP = '10.42.0.17';

type Seen = { type: 'started' | 'ended' } & Parameters<SessionObserver['sessionStarted']>[0] & { reason?: string };

function recorder() {
  const seen: Seen[] = [];
  const observer: SessionObserver = {
    sessionStarted: (event) => seen.push({ type: 'started', ...event }),
    sessionEnded: (event) => seen.push({ type: 'ended', ...event }),
  };
  return { seen, observer };
}

describe('the sessions tell the legal log', () => {
  it('of an accepted session and of its end when the device leaves', async () => {
    const { seen, observer } = recorder();
    const rig = await sessionsRig({ observer });
    const t0 = rig.clock.now();
    rig.join(PHONE, PHONE_IP);
    expect(await rig.sessions.accept(PHONE_IP)).toMatchObject({ ok: true });
    rig.clock.advance(5_000);
    rig.stations.emit('disconnected', PHONE);
    await rig.settle();
    expect(seen).toEqual([
      { type: 'started', ip: PHONE_IP, mac: PHONE_MAC, at: t0 },
      { type: 'ended', ip: PHONE_IP, mac: PHONE_MAC, at: t0 + 5_000, reason: 'left' },
    ]);
  });

  it('of ends by idleness and by the session timeout', async () => {
    const { seen, observer } = recorder();
    const rig = await sessionsRig({ observer });
    rig.join(PHONE, PHONE_IP);
    await rig.sessions.accept(PHONE_IP);
    rig.clock.advance(IDLE_S * 1000 + RECONCILE_MS);
    await rig.settle();
    rig.join('5e:aa:bb:cc:dd:ee', '10.42.0.18');
    await rig.sessions.accept('10.42.0.18');
    for (let elapsed = 0; elapsed < SESSION_S * 1000; elapsed += 60_000) {
      rig.firewall.traffic('10.42.0.18');
      rig.clock.advance(60_000);
      await rig.settle();
    }
    expect(seen.filter((event) => event.type === 'ended').map((event) => [event.ip, event.reason])).toEqual([
      [PHONE_IP, 'idle'],
      ['10.42.0.18', 'timeout'],
    ]);
  });

  it('of sessions adopted from the kernel at start, marked resumed', async () => {
    const { seen, observer } = recorder();
    const rig = await sessionsRig({
      observer,
      before: (r) => {
        r.leases.held = [{ mac: PHONE, ip: PHONE_IP }];
        r.firewall.preload(PHONE_IP, IDLE_S);
      },
    });
    expect(seen).toEqual([{ type: 'started', ip: PHONE_IP, mac: PHONE_MAC, at: rig.clock.now(), resumed: true }]);
  });

  it('of nothing for a refused acceptance', async () => {
    const { seen, observer } = recorder();
    const rig = await sessionsRig({ observer, maxClients: 1 });
    rig.join(PHONE, PHONE_IP);
    rig.join('5e:aa:bb:cc:dd:ee', '10.42.0.18');
    await rig.sessions.accept(PHONE_IP);
    expect(await rig.sessions.accept('10.42.0.18')).toEqual({ ok: false, reason: 'full' });
    expect(await rig.sessions.accept('10.42.0.99')).toEqual({ ok: false, reason: 'unknown-client' });
    expect(seen.map((event) => event.ip)).toEqual([PHONE_IP]);
  });
});
