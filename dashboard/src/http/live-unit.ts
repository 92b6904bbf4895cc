import type { FleetStore, UnitSummary } from '../store/types.js';

/** Where the fleet view puts a unit: a point, paused by the mediators, or not known. */
export type LivePlace = { kind: 'known'; lat: number; lon: number } | { kind: 'paused' } | { kind: 'unknown' };

/**
 * A unit as the live page draws it: the summary row plus its place and Wi-Fi users from the v2 state,
 * so a page never asks for each unit's state (at 500 units that was 500 requests per snapshot and one
 * per update). Only /api/live carries it, behind the live fleet's permission, like the state route.
 */
export type LiveUnit = UnitSummary & { place: LivePlace; wifiUsers: number | null };

export async function liveUnit(store: Pick<FleetStore, 'getUnitState'>, unit: UnitSummary): Promise<LiveUnit> {
  const state = (await store.getUnitState(unit.id))?.state;
  const position = state?.position?.values;
  const sessionsNow = state?.hotspot?.values.sessionsNow;
  return { ...unit, place: placeOf(position), wifiUsers: typeof sessionsNow === 'number' ? sessionsNow : null };
}

function placeOf(position: { paused?: true; lat?: number; lon?: number } | undefined): LivePlace {
  if (position?.paused) return { kind: 'paused' };
  if (typeof position?.lat !== 'number' || typeof position.lon !== 'number') return { kind: 'unknown' };
  return { kind: 'known', lat: position.lat, lon: position.lon };
}
