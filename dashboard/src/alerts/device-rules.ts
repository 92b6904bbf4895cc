import type { KindState, ReconstructedState } from '@triporteur/edge/contract';
import type { AlertsConfig } from './config.js';
import { bytes, decimal } from './french.js';
import type { UnitFacts, UnitMemory } from './types.js';
import { cleared, isActive, raised, reading, unknown, type Verdict } from './verdict.js';

export const TEMPERATURE_SOURCES = ['battery', 'motor', 'controller', 'cpu', 'box'] as const;
export type TemperatureSource = (typeof TEMPERATURE_SOURCES)[number];

const SOURCE_LABELS: Readonly<Record<TemperatureSource, string>> = {
  battery: 'Batterie',
  motor: 'Moteur',
  controller: 'Contrôleur moteur',
  cpu: 'Processeur',
  box: 'Boîtier électronique',
};

/** Values of a serial device the driver still talks to; otherwise they are repeats of old readings. */
function live<K extends 'battery' | 'motor' | 'aux'>(
  kind: KindState<K> | undefined,
): KindState<K>['values'] | undefined {
  const state = (kind?.values as { state?: string } | undefined)?.state;
  return kind && (state === undefined || state === 'connected') ? kind.values : undefined;
}

/** The hottest reading of one source, if the unit vouches for it. */
export function temperatureOf(state: ReconstructedState, source: TemperatureSource): number | undefined {
  switch (source) {
    case 'battery': {
      const values = live(state.battery);
      const temps = values?.temperaturesC;
      if (!values || !temps || temps.length === 0 || values.q?.temperaturesC === 'stale') return undefined;
      if (values.q?.temperaturesC === 'out-of-range') return undefined;
      return Math.max(...temps);
    }
    case 'motor': {
      const values = live(state.motor);
      return values && reading(values, 'motorTempC');
    }
    case 'controller': {
      const values = live(state.motor);
      return values && reading(values, 'controllerTempC');
    }
    case 'cpu':
      return state.system && reading(state.system.values, 'cpuTempC');
    case 'box': {
      const values = live(state.aux);
      return values && reading(values, 'temperatureC');
    }
  }
}

export function overTemperature(
  unitId: string,
  source: TemperatureSource,
  next: ReconstructedState,
  memory: UnitMemory,
  config: AlertsConfig['temperature'],
): Verdict {
  const key = `${unitId}:over-temperature:${source}`;
  const celsius = temperatureOf(next, source);
  if (celsius === undefined) return unknown(key, 'over-temperature');
  const { warnC, criticalC } = config[source];
  const hot = isActive(memory, key) ? celsius > warnC - config.hysteresisC : celsius >= warnC;
  if (!hot) return cleared(key, 'over-temperature');
  const severity = celsius >= criticalC ? 'critical' : 'warning';
  const limit = severity === 'critical' ? criticalC : warnC;
  return raised(
    key,
    'over-temperature',
    severity,
    `${SOURCE_LABELS[source]} à ${decimal(celsius)} °C (seuil ${decimal(limit)} °C)`,
  );
}

export function motorFault(unitId: string, next: ReconstructedState): Verdict {
  const key = `${unitId}:motor-fault`;
  const values = live(next.motor);
  const code = values && reading(values, 'faultCode');
  if (!values || code === undefined) return unknown(key, 'motor-fault');
  if (code === 0) return cleared(key, 'motor-fault');
  const name = values.faultName && values.faultName !== 'none' ? ` (${values.faultName})` : '';
  return raised(key, 'motor-fault', 'critical', `Défaut du contrôleur moteur : code ${code}${name}`);
}

/** Reconnect times within the window, with the ones this update reports added. */
export function nextReconnects(
  times: readonly number[],
  prev: ReconstructedState,
  next: ReconstructedState,
  windowMs: number,
): readonly number[] {
  const now = next.uplink?.updatedAt;
  const after = next.uplink?.values.reconnects;
  const before = prev.uplink?.values.reconnects;
  if (now === undefined) return times;
  // The counter is per boot: a new boot starts from an empty state, so there is no `before` then.
  const added = after !== undefined && before !== undefined && after > before ? Math.min(after - before, 100) : 0;
  const kept = times.filter((t) => t > now - windowMs && t <= now);
  return [...kept, ...Array.from({ length: added }, () => now)];
}

export function uplinkDown(
  unitId: string,
  next: ReconstructedState,
  memory: UnitMemory,
  config: AlertsConfig['uplink'],
): Verdict {
  const key = `${unitId}:uplink-down`;
  const values = next.uplink?.values;
  const outbox = values && reading(values, 'outboxDepth');
  if (!values || outbox === undefined) return unknown(key, 'uplink-down');
  const recent = memory.reconnects.length;
  const backlog = isActive(memory, key) ? outbox > config.outboxClear : outbox >= config.outboxRaise;
  // ModemManager's word that the SIM is on no network: no uplink at all, whatever the backlog says yet.
  const unregistered = values.registered === false;
  // The window is the reconnects' own hysteresis: they age out of it one by one.
  if (!backlog && recent < config.reconnectsRaise && !unregistered) return cleared(key, 'uplink-down');
  const signal = reading(values, 'signalPct');
  const parts = [
    ...(unregistered ? ['modem 4G sans réseau'] : []),
    `${outbox} enregistrement${outbox > 1 ? 's' : ''} en attente d’envoi`,
    `${recent} reconnexion${recent > 1 ? 's' : ''} au courtier en ${decimal(config.reconnectWindowMin, 0)} min`,
    ...(signal === undefined ? [] : [`signal ${decimal(signal, 0)} %`]),
  ];
  return raised(key, 'uplink-down', 'warning', `Liaison dégradée : ${parts.join(', ')}`);
}

export function dataBudget(
  unitId: string,
  next: ReconstructedState,
  memory: UnitMemory,
  facts: UnitFacts,
  config: AlertsConfig['dataBudget'],
): Verdict {
  const key = `${unitId}:data-budget`;
  const values = next.uplink?.values;
  const used = values && reading(values, 'monthBytes');
  const cap = facts.dataCapBytes ?? config.capBytes;
  if (cap === undefined) return cleared(key, 'data-budget');
  if (!values || used === undefined) return unknown(key, 'data-budget');
  const pct = (used / cap) * 100;
  const near = isActive(memory, key) ? pct >= config.clearPct : pct >= config.warnPct;
  if (!near) return cleared(key, 'data-budget');
  const stretch = reading(values, 'stretch');
  const slowed = stretch !== undefined && stretch > 1 ? `, envois espacés ×${decimal(stretch)}` : '';
  return raised(
    key,
    'data-budget',
    pct >= config.criticalPct ? 'critical' : 'warning',
    `Forfait de données : ${bytes(used)} sur ${bytes(cap)} ce mois-ci (${Math.floor(pct)} %)${slowed}`,
  );
}

/** When the hotspot last refused a client at its ceiling, counting this update. */
export function nextHotspotRefusedAt(
  at: number | undefined,
  prev: ReconstructedState,
  next: ReconstructedState,
): number | undefined {
  const after = next.hotspot?.values.refusedFullToday;
  const before = prev.hotspot?.values.refusedFullToday;
  // A lower count is the midnight reset, not a refusal.
  return after !== undefined && before !== undefined && after > before ? next.hotspot?.updatedAt : at;
}

export function hotspotFull(
  unitId: string,
  next: ReconstructedState,
  memory: UnitMemory,
  config: AlertsConfig['hotspotFull'],
): Verdict {
  const key = `${unitId}:hotspot-full`;
  const hotspot = next.hotspot;
  const refused = hotspot && reading(hotspot.values, 'refusedFullToday');
  if (!hotspot || refused === undefined) return unknown(key, 'hotspot-full');
  const last = memory.hotspotRefusedAt;
  if (last === undefined || hotspot.updatedAt - last >= config.quietMin * 60_000) return cleared(key, 'hotspot-full');
  return raised(
    key,
    'hotspot-full',
    config.severity,
    `Point d’accès saturé : ${refused} connexion${refused > 1 ? 's' : ''} refusée${refused > 1 ? 's' : ''} aujourd’hui (plafond de clients atteint)`,
  );
}
