/**
 * Online/offline with a grace period. The broker tells us a unit's connection state through its retained
 * state topic: "online" in the birth, "offline" as the last will when the link dies. A tricycle whose 4G
 * drops for 30 s reconnects well inside the grace, so nobody sees it flap; only a unit that stays away past
 * the grace is shown offline. Pure: the caller passes the clock in, so tests need no timers.
 */
export type Presence = 'online' | 'offline' | 'unknown';
export type MqttState = 'online' | 'offline';

export interface PresenceInput {
  /** Last state the unit's state topic said, if any. */
  mqtt: MqttState | undefined;
  /** When the dashboard received that state, ms. */
  mqttAt: number | undefined;
  /** When the dashboard last received anything from the unit (state or telemetry), ms. */
  lastSeenAt: number | undefined;
}

export interface PresenceDecision {
  presence: Presence;
  /** While an offline is pending: when it becomes final unless the unit comes back first. */
  offlineAt?: number;
}

/** What `input` means at `now`. A last will counts only once `graceMs` has passed since it arrived. */
export function decidePresence(input: PresenceInput, now: number, graceMs: number): PresenceDecision {
  const { mqtt, mqttAt, lastSeenAt } = input;
  if (mqtt === undefined || mqttAt === undefined) return { presence: lastSeenAt === undefined ? 'unknown' : 'online' };
  if (mqtt === 'online') return { presence: 'online' };
  // Telemetry received after the will means the unit is back, even if its new birth is still on the way.
  if (lastSeenAt !== undefined && lastSeenAt > mqttAt) return { presence: 'online' };
  const offlineAt = mqttAt + graceMs;
  if (now >= offlineAt) return { presence: 'offline' };
  return { presence: 'online', offlineAt };
}

export interface PresenceTransition {
  unitId: string;
  from: Presence;
  to: Presence;
  /** When the transition was decided (the call's `now`), ms. */
  at: number;
  /** Last time anything came from the unit, for "hors ligne depuis …". */
  lastSeenAt: number | undefined;
}

interface UnitPresence extends PresenceInput {
  shown: Presence;
}

/**
 * Presence of every unit. Call `onState` for each state message, `onSeen` for each telemetry batch and
 * `tick(now)` periodically (or at `nextDeadline()`); each returns the transitions to publish.
 */
export class PresenceTracker {
  private readonly units = new Map<string, UnitPresence>();

  constructor(private readonly graceMs: number) {}

  /**
   * A state message. `retained` marks a state the broker replayed on subscribe: it describes the past,
   * so a retained "offline" is final at once instead of waiting another grace.
   */
  onState(unitId: string, state: MqttState, now: number, options: { retained?: boolean } = {}): PresenceTransition[] {
    const unit = this.unit(unitId);
    unit.mqtt = state;
    unit.mqttAt = options.retained && state === 'offline' ? now - this.graceMs : now;
    if (state === 'online') unit.lastSeenAt = now;
    return this.settle(unitId, unit, now);
  }

  /** Anything else received from the unit (telemetry, events). */
  onSeen(unitId: string, now: number): PresenceTransition[] {
    const unit = this.unit(unitId);
    unit.lastSeenAt = Math.max(unit.lastSeenAt ?? now, now);
    return this.settle(unitId, unit, now);
  }

  /** Makes pending offlines final once their grace has run out. */
  tick(now: number): PresenceTransition[] {
    const out: PresenceTransition[] = [];
    for (const [unitId, unit] of this.units) out.push(...this.settle(unitId, unit, now));
    return out;
  }

  /** The earliest pending offline, so the caller can set one timer instead of polling. */
  nextDeadline(now: number): number | undefined {
    let next: number | undefined;
    for (const unit of this.units.values()) {
      const { offlineAt } = decidePresence(unit, now, this.graceMs);
      if (offlineAt !== undefined && (next === undefined || offlineAt < next)) next = offlineAt;
    }
    return next;
  }

  get(unitId: string): Presence {
    return this.units.get(unitId)?.shown ?? 'unknown';
  }

  lastSeen(unitId: string): number | undefined {
    return this.units.get(unitId)?.lastSeenAt;
  }

  private unit(unitId: string): UnitPresence {
    let unit = this.units.get(unitId);
    if (!unit) {
      unit = { mqtt: undefined, mqttAt: undefined, lastSeenAt: undefined, shown: 'unknown' };
      this.units.set(unitId, unit);
    }
    return unit;
  }

  private settle(unitId: string, unit: UnitPresence, now: number): PresenceTransition[] {
    const { presence } = decidePresence(unit, now, this.graceMs);
    // A unit first heard of through a fresh will was never shown online: keep it unknown until final.
    const next = unit.shown === 'unknown' && presence === 'online' && unit.mqtt === 'offline' ? 'unknown' : presence;
    if (next === unit.shown) return [];
    const transition = { unitId, from: unit.shown, to: next, at: now, lastSeenAt: unit.lastSeenAt };
    unit.shown = next;
    return [transition];
  }
}
