/** What the alert rules produce and the store keeps. */

export const ALERT_KINDS = [
  'low-battery',
  'bms-protection',
  'over-temperature',
  'motor-fault',
  'unit-offline',
  'uplink-down',
  'data-budget',
  'hotspot-full',
  'zone-leave',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

/**
 * One rule's verdict on one condition. `active: false` clears the open alert with that key;
 * `active: true` raises one, or merges into the open one (count, last_at, detail).
 */
export interface AlertSignal {
  unitId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** One open alert per key, e.g. "tri-lyon-01:low-battery" or "tri-lyon-01:over-temperature:motor". */
  key: string;
  active: boolean;
  /** French, with the numbers, for people. Never a position. */
  detail: string;
}

/** Unit-level facts the telemetry does not carry. */
export interface UnitFacts {
  /** This unit's data plan, bytes per billing month; overrides `dataBudget.capBytes`. */
  dataCapBytes?: number;
}

/**
 * The dashboard's presence verdict, after its grace period: the fleet model's PresenceTransition fits.
 * 'unknown' (never heard from) neither raises nor clears.
 */
export interface PresenceFact {
  to: 'online' | 'offline' | 'unknown';
  /** Dashboard clock, ms. */
  at: number;
  /** When the dashboard last heard from the unit, ms; worded into the offline detail. */
  lastSeenAt?: number | undefined;
}

/** A zone crossing from the fleet model (its ZoneEvent fits): the zone's name, never the position. */
export interface ZoneEventFact {
  zone: string;
  kind: 'enter' | 'leave';
}

/** What was last signalled for a key still active: the next evaluation only signals a change. */
export interface ActiveEntry {
  kind: AlertKind;
  severity: AlertSeverity;
  detail: string;
}

/**
 * What the rules remember about one unit between evaluations. Plain data: the rules never mutate it,
 * they return the next one. Times are the unit's record times (`updatedAt`), consistent within a unit.
 */
export interface UnitMemory {
  active: Readonly<Record<string, ActiveEntry>>;
  /** Recent (ts, SoC) readings while discharging, for the SoC slope. */
  soc: readonly { ts: number; pct: number }[];
  /** Times of recent broker reconnects the unit reported. */
  reconnects: readonly number[];
  /** When the hotspot last refused a client at its ceiling. */
  hotspotRefusedAt?: number;
}

export const EMPTY_MEMORY: UnitMemory = Object.freeze({ active: {}, soc: [], reconnects: [] });

export interface Evaluation {
  signals: AlertSignal[];
  memory: UnitMemory;
}
