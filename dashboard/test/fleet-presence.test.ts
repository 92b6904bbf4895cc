import { describe, expect, it } from 'vitest';
import { decidePresence, PresenceTracker } from '../src/fleet/presence.js';

const GRACE = 120_000;
const T0 = 1_750_000_000_000;
const S = 1000;

describe('decidePresence', () => {
  it('is unknown with nothing heard, online on a birth, and offline only after the grace', () => {
    expect(decidePresence({ mqtt: undefined, mqttAt: undefined, lastSeenAt: undefined }, T0, GRACE)).toEqual({
      presence: 'unknown',
    });
    expect(decidePresence({ mqtt: 'online', mqttAt: T0, lastSeenAt: T0 }, T0, GRACE)).toEqual({ presence: 'online' });
    const will = { mqtt: 'offline' as const, mqttAt: T0, lastSeenAt: T0 - 30 * S };
    expect(decidePresence(will, T0 + 119 * S, GRACE)).toEqual({ presence: 'online', offlineAt: T0 + GRACE });
    expect(decidePresence(will, T0 + GRACE, GRACE)).toEqual({ presence: 'offline' });
    // Telemetry after the will: the unit is back even before its birth arrives.
    expect(decidePresence({ ...will, lastSeenAt: T0 + 5 * S }, T0 + 10 * GRACE, GRACE)).toEqual({ presence: 'online' });
  });
});

describe('PresenceTracker', () => {
  it('does not flap when the 4G drops for 30 s', () => {
    const presence = new PresenceTracker(GRACE);
    expect(presence.onState('tri-01', 'online', T0)).toEqual([
      { unitId: 'tri-01', from: 'unknown', to: 'online', at: T0, lastSeenAt: T0 },
    ]);
    expect(presence.onState('tri-01', 'offline', T0 + 60 * S)).toEqual([]);
    expect(presence.tick(T0 + 75 * S)).toEqual([]);
    expect(presence.onState('tri-01', 'online', T0 + 90 * S)).toEqual([]);
    expect(presence.tick(T0 + 60 * S + GRACE)).toEqual([]);
    expect(presence.tick(T0 + 3600 * S)).toEqual([]);
    expect(presence.get('tri-01')).toBe('online');
  });

  it('turns a unit offline once the grace has passed, and back online on its next birth', () => {
    const presence = new PresenceTracker(GRACE);
    presence.onState('tri-01', 'online', T0);
    presence.onSeen('tri-01', T0 + 50 * S);
    presence.onState('tri-01', 'offline', T0 + 100 * S);
    expect(presence.nextDeadline(T0 + 100 * S)).toBe(T0 + 100 * S + GRACE);
    expect(presence.tick(T0 + 100 * S + GRACE - 1)).toEqual([]);
    expect(presence.tick(T0 + 100 * S + GRACE)).toEqual([
      { unitId: 'tri-01', from: 'online', to: 'offline', at: T0 + 100 * S + GRACE, lastSeenAt: T0 + 50 * S },
    ]);
    expect(presence.nextDeadline(T0 + 300 * S)).toBeUndefined();
    expect(presence.onState('tri-01', 'online', T0 + 400 * S)).toMatchObject([{ from: 'offline', to: 'online' }]);
  });

  it('cancels a pending offline when telemetry arrives', () => {
    const presence = new PresenceTracker(GRACE);
    presence.onState('tri-01', 'online', T0);
    presence.onState('tri-01', 'offline', T0 + 10 * S);
    expect(presence.onSeen('tri-01', T0 + 20 * S)).toEqual([]);
    expect(presence.tick(T0 + 10 * GRACE)).toEqual([]);
    expect(presence.get('tri-01')).toBe('online');
  });

  it('takes a retained offline found at start-up as final at once', () => {
    const presence = new PresenceTracker(GRACE);
    expect(presence.onState('tri-02', 'offline', T0, { retained: true })).toEqual([
      { unitId: 'tri-02', from: 'unknown', to: 'offline', at: T0, lastSeenAt: undefined },
    ]);
  });

  it('keeps a unit first heard of through a fresh will unknown until the grace ends', () => {
    const presence = new PresenceTracker(GRACE);
    expect(presence.onState('tri-03', 'offline', T0)).toEqual([]);
    expect(presence.get('tri-03')).toBe('unknown');
    expect(presence.tick(T0 + GRACE)).toMatchObject([{ unitId: 'tri-03', from: 'unknown', to: 'offline' }]);
  });

  it('with no grace, a will is offline at once', () => {
    const presence = new PresenceTracker(0);
    presence.onState('tri-01', 'online', T0);
    expect(presence.onState('tri-01', 'offline', T0 + S)).toMatchObject([{ from: 'online', to: 'offline' }]);
  });
});
