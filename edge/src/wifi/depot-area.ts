import { haversineM } from '../records/fields.js';

export interface DepotAreaConfig {
  /** Centre of the depot, WGS84 degrees. */
  lat: number;
  lon: number;
  /** Inside this distance of the centre counts as at the depot, m (above GPS jitter: 50 m or more). */
  radiusM: number;
  /** Parked once still inside the circle this long, ms: a tricycle passing by is not parked. */
  dwellMs: number;
  /** Still at or below this speed, km/h (GPS speed of a parked unit wanders around 0–1 km/h). */
  stillKmh?: number;
}

/** One position sample as the app has it: lat/lon absent while there is no fix or location is paused. */
export interface DepotFix {
  at: number;
  lat?: number;
  lon?: number;
  speedKmh?: number;
}

/**
 * "Parked at base", from the unit's own positions; they never leave the unit for this. A sample with no
 * position (no fix, or the mediators paused location) changes nothing: the unit has not moved as far as
 * anyone knows, so a parked unit stays parked and a moving one stays moving.
 */
export class DepotArea {
  private stillSince: number | undefined;

  constructor(private readonly config: DepotAreaConfig) {}

  observe(fix: DepotFix): void {
    if (fix.lat === undefined || fix.lon === undefined) return;
    const inside = haversineM(fix.lat, fix.lon, this.config.lat, this.config.lon) <= this.config.radiusM;
    const still = fix.speedKmh === undefined || fix.speedKmh <= (this.config.stillKmh ?? 1);
    if (!inside || !still) this.stillSince = undefined;
    else this.stillSince ??= fix.at;
  }

  parked(now: number): boolean {
    return this.stillSince !== undefined && now - this.stillSince >= this.config.dwellMs;
  }
}
