/**
 * How each record field is judged by report-by-exception, and the small maths it needs.
 * Values are compared with the value last SENT for the field, never the previous sample,
 * so a slow drift adds up until it crosses the deadband and is reported.
 */

export type FieldValue = number | string | boolean | readonly unknown[] | Readonly<Record<string, unknown>>;
export type Fields = Record<string, FieldValue>;

export type FieldRule =
  /** Any change sends the whole kind in full; `alarm` also asks for the batch to go out now. */
  | { type: 'state'; alarm?: boolean }
  /** Any change is sent (counts, identifiers). */
  | { type: 'exact' }
  /** Sent when |value − sent| > deadband. `digits` is the resolution put on the wire. */
  | { type: 'number'; deadband: number; digits: number }
  /** As 'number', on a circle of 360°. */
  | { type: 'angle'; deadband: number; digits: number }
  /** Arrays: the whole array is sent when any element moved past the deadband. */
  | { type: 'numbers'; deadband: number; digits: number }
  /** Counters and derivable values: only in full records. */
  | { type: 'heartbeat'; digits: number }
  /** lat/lon, judged together by distance (the position kind's own rule). */
  | { type: 'position'; digits: number };

/** Tolerance for float noise, so that "exactly at the deadband" is never counted as past it. */
const EPSILON = 1e-9;

export function pastDeadband(value: number, sent: number, deadband: number): boolean {
  return Math.abs(value - sent) > deadband + EPSILON * Math.max(1, deadband, Math.abs(value));
}

export function angleDelta(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Rounds to `digits` decimals; negative digits round to tens, hundreds, thousands. */
export function round(value: number, digits: number): number {
  // Adding 0 turns -0 into 0, so JSON never carries "-0".
  if (digits < 0) return Math.round(value / 10 ** -digits) * 10 ** -digits + 0;
  const f = 10 ** digits;
  return Math.round(value * f) / f + 0;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine): exact enough at 20 m and at 20 km. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameValue(ra[k], rb[k]));
}

/** Puts a raw sample value at the field's wire resolution. */
export function quantize(rule: FieldRule, value: unknown): FieldValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (!('digits' in rule)) return value as FieldValue;
  if (typeof value === 'number') return Number.isFinite(value) ? round(value, rule.digits) : undefined;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'number' ? round(v, rule.digits) : v));
  return value as FieldValue;
}

/**
 * True when the raw value moved past the rule's deadband from the sent one. `stretch` widens
 * deadbands when the data budget asks for it. State, exact, heartbeat and position rules are
 * judged elsewhere.
 */
export function moved(rule: FieldRule, raw: unknown, sent: unknown, stretch: number): boolean {
  switch (rule.type) {
    case 'exact':
      return !sameValue(raw, sent);
    case 'number':
      return typeof raw === 'number' && typeof sent === 'number' && pastDeadband(raw, sent, rule.deadband * stretch);
    case 'angle':
      return (
        typeof raw === 'number' &&
        typeof sent === 'number' &&
        pastDeadband(angleDelta(raw, sent), 0, rule.deadband * stretch)
      );
    case 'numbers': {
      if (!Array.isArray(raw) || !Array.isArray(sent)) return false;
      return raw.some((v, i) => pastDeadband(Number(v), Number(sent[i]), rule.deadband * stretch));
    }
    default:
      return false;
  }
}
