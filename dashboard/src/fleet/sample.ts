import type { ReconstructedState } from '@triporteur/edge/contract';

/**
 * One instant of a unit as the fleet model sees it, taken from the state rebuilt after a record.
 * Coordinates are absent while location is paused, without a fix, or when the fix is stale.
 */
export interface FleetSample {
  ts: number;
  bootId?: string;
  /** The mediators' "pause location" switch was on: no coordinates may be used. */
  paused: boolean;
  lat?: number;
  lon?: number;
  /** GPS speed, km/h. */
  speedKmh?: number;
  /** Wheel speed from the motor controller, km/h: preferred, it works under pause and in tunnels. */
  motorSpeedKmh?: number;
  /** Hotspot counts since local midnight (the unit's own aggregates, never identifiers). */
  sessionsToday?: number;
  distinctDevicesToday?: number;
}

/** The sample the state rebuilt up to `ts` describes. Never reads a coordinate while paused. */
export function sampleFromState(ts: number, state: ReconstructedState, bootId?: string): FleetSample {
  const position = state.position?.values;
  const paused = position?.paused === true || state.aux?.values.pauseLocation === true;
  const quality = position?.q ?? {};
  const fixed = !paused && position?.fix !== undefined && position.fix !== 'none';
  const lat = fixed && quality.lat !== 'stale' ? position?.lat : undefined;
  const lon = fixed && quality.lon !== 'stale' ? position?.lon : undefined;
  const speedKmh = !paused && quality.speedKmh !== 'stale' ? position?.speedKmh : undefined;
  const motorSpeedKmh = state.motor?.values.speedKmh;
  const hotspot = state.hotspot?.values;
  return {
    ts,
    paused,
    ...(bootId !== undefined ? { bootId } : {}),
    ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}),
    ...(speedKmh !== undefined ? { speedKmh } : {}),
    ...(motorSpeedKmh !== undefined ? { motorSpeedKmh } : {}),
    ...(hotspot?.sessionsToday !== undefined ? { sessionsToday: hotspot.sessionsToday } : {}),
    ...(hotspot?.distinctDevicesToday !== undefined ? { distinctDevicesToday: hotspot.distinctDevicesToday } : {}),
  };
}
