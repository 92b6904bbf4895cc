import { BridgeError, BridgeErrorCode } from '../errors.js';
import { distanceM } from './quality.js';

export interface LatLon {
  lat: number;
  lon: number;
}

/**
 * A loop of about 4 km through Vaulx-en-Velin (Lyon), from the town hall south towards Carré de
 * Soie and back. Constructed by hand from a map: plausible streets, not a surveyed track.
 */
export const VAULX_EN_VELIN_LOOP: readonly LatLon[] = [
  { lat: 45.7786, lon: 4.9217 },
  { lat: 45.7745, lon: 4.9208 },
  { lat: 45.77, lon: 4.919 },
  { lat: 45.765, lon: 4.92 },
  { lat: 45.7625, lon: 4.9255 },
  { lat: 45.7665, lon: 4.931 },
  { lat: 45.772, lon: 4.93 },
  { lat: 45.777, lon: 4.9265 },
];

/** A closed polyline walked by distance: where you are after `d` metres, and which way you face. */
export class Route {
  readonly lengthM: number;
  private readonly cumulative: number[];

  constructor(private readonly points: readonly LatLon[]) {
    if (points.length < 2) throw new BridgeError(BridgeErrorCode.OPTION_INVALID, 'a route needs at least two points');
    this.cumulative = [0];
    let total = 0;
    for (let i = 0; i < points.length; i++) {
      total += distanceM(this.point(i), this.point(i + 1));
      this.cumulative.push(total);
    }
    this.lengthM = total;
  }

  at(distance: number): LatLon & { courseDeg: number } {
    const d = ((distance % this.lengthM) + this.lengthM) % this.lengthM;
    let i = 0;
    while (i < this.points.length - 1 && (this.cumulative[i + 1] ?? 0) <= d) i++;
    const from = this.point(i);
    const to = this.point(i + 1);
    const span = (this.cumulative[i + 1] ?? 0) - (this.cumulative[i] ?? 0);
    const t = span === 0 ? 0 : (d - (this.cumulative[i] ?? 0)) / span;
    return {
      lat: from.lat + (to.lat - from.lat) * t,
      lon: from.lon + (to.lon - from.lon) * t,
      courseDeg: bearingDeg(from, to),
    };
  }

  private point(i: number): LatLon {
    return this.points[i % this.points.length] as LatLon;
  }
}

/** Initial great-circle bearing, degrees true in [0, 360). */
export function bearingDeg(from: LatLon, to: LatLon): number {
  const rad = Math.PI / 180;
  const y = Math.sin((to.lon - from.lon) * rad) * Math.cos(to.lat * rad);
  const x =
    Math.cos(from.lat * rad) * Math.sin(to.lat * rad) -
    Math.sin(from.lat * rad) * Math.cos(to.lat * rad) * Math.cos((to.lon - from.lon) * rad);
  return (((Math.atan2(y, x) / rad) % 360) + 360) % 360;
}
