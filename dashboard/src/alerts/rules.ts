import type { ReconstructedState } from '@triporteur/edge/contract';
import { bmsProtection, lowBattery, nextSocSamples } from './battery-rules.js';
import type { AlertsConfig } from './config.js';
import {
  dataBudget,
  hotspotFull,
  motorFault,
  nextHotspotRefusedAt,
  nextReconnects,
  overTemperature,
  TEMPERATURE_SOURCES,
  uplinkDown,
} from './device-rules.js';
import { roughDuration } from './french.js';
import type { AlertKind, Evaluation, PresenceFact, UnitFacts, UnitMemory, ZoneEventFact } from './types.js';
import { cleared, raised, settle, unknown, type Verdict } from './verdict.js';

/**
 * Pure alert rules. Each call takes what the unit's memory held, returns the signals that changed and
 * the memory to keep: no clock, store or logger here, so the same rules judge a replay or a test.
 */

/** Kinds whose detail says where the tricycle is: notifications leave it out unless configured. */
export const LOCATION_KINDS: ReadonlySet<AlertKind> = new Set(['zone-leave']);

export interface StateChange {
  unitId: string;
  /** The unit's reconstructed state before this record; `{}` at the start of a boot. */
  prev: ReconstructedState;
  next: ReconstructedState;
  facts?: UnitFacts;
}

export function evaluateState(change: StateChange, memory: UnitMemory, config: AlertsConfig): Evaluation {
  const { unitId, prev, next, facts = {} } = change;
  const hotspotRefusedAt = nextHotspotRefusedAt(memory.hotspotRefusedAt, prev, next);
  // The readings that feed the verdicts go into the memory first: the estimate uses the newest SoC.
  const updated: UnitMemory = {
    active: memory.active,
    soc: nextSocSamples(memory.soc, prev.battery, next.battery, config.lowBattery.slopeWindowMin * 60_000),
    reconnects: nextReconnects(memory.reconnects, prev, next, config.uplink.reconnectWindowMin * 60_000),
    ...(hotspotRefusedAt === undefined ? {} : { hotspotRefusedAt }),
  };
  const verdicts: Verdict[] = [
    lowBattery(unitId, next.battery, updated, config.lowBattery),
    bmsProtection(unitId, next.battery),
    ...TEMPERATURE_SOURCES.map((source) => overTemperature(unitId, source, next, updated, config.temperature)),
    motorFault(unitId, next),
    uplinkDown(unitId, next, updated, config.uplink),
    dataBudget(unitId, next, updated, facts, config.dataBudget),
    hotspotFull(unitId, next, updated, config.hotspotFull),
  ];
  const { signals, active } = settle(unitId, verdicts, memory.active);
  return { signals, memory: { ...updated, active } };
}

/** The dashboard's presence verdict, already past its grace period. */
export function evaluatePresence(unitId: string, presence: PresenceFact, memory: UnitMemory): Evaluation {
  const key = `${unitId}:unit-offline`;
  let verdict: Verdict;
  if (presence.to === 'unknown') verdict = unknown(key, 'unit-offline');
  else if (presence.to === 'online') verdict = cleared(key, 'unit-offline');
  else {
    const silence = presence.lastSeenAt === undefined ? undefined : presence.at - presence.lastSeenAt;
    const since = silence === undefined || silence < 0 ? '' : ` : dernier message il y a ${roughDuration(silence)}`;
    verdict = raised(key, 'unit-offline', 'warning', `Unité hors ligne${since}`);
  }
  const { signals, active } = settle(unitId, [verdict], memory.active);
  return { signals, memory: { ...memory, active } };
}

/** Leaving a zone raises an alert for that zone; entering it again clears it. */
export function evaluateZoneEvent(
  unitId: string,
  event: ZoneEventFact,
  memory: UnitMemory,
  config: AlertsConfig,
): Evaluation {
  const key = `${unitId}:zone-leave:${event.zone}`;
  const verdict =
    event.kind === 'enter'
      ? cleared(key, 'zone-leave')
      : raised(key, 'zone-leave', config.zoneLeave.severity, `A quitté la zone « ${event.zone} »`);
  const { signals, active } = settle(unitId, [verdict], memory.active);
  return { signals, memory: { ...memory, active } };
}
