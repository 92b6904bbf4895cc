import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The fleet model's settings, meant to sit under `fleet` in the dashboard config. Every field has a
 * default, so `{}` is a complete config.
 */
export const FleetConfigSchema = Type.Object(
  {
    stopMinMinutes: Type.Number({
      minimum: 1,
      maximum: 240,
      default: 10,
      description: 'A halt shorter than this is traffic, not a stop',
    }),
    stillKmh: Type.Number({ exclusiveMinimum: 0, maximum: 10, default: 2, description: 'Below this speed, parked' }),
    stopRadiusM: Type.Number({
      minimum: 10,
      maximum: 500,
      default: 50,
      description: 'A parked unit stays within this radius of where it stopped (GPS jitter is well under it)',
    }),
    outingEndParkMinutes: Type.Number({
      minimum: 15,
      maximum: 1440,
      default: 120,
      description: 'Parked or silent this long ends the outing (back at the depot)',
    }),
    maxGapMinutes: Type.Number({
      minimum: 6,
      maximum: 1440,
      default: 30,
      description: 'Silence longer than this ends a stop where it was last seen (parked units report every 5 min)',
    }),
    offlineGraceS: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 120,
      description: 'A unit that drops is shown offline only after this long, so a 4G blip does not flap',
    }),
    timeZone: Type.String({
      minLength: 1,
      default: 'Europe/Paris',
      description: 'Hotspot counters reset and outings end at local midnight in this zone',
    }),
    zonesFile: Type.Optional(
      Type.String({ minLength: 1, description: 'GeoJSON FeatureCollection of named priority neighbourhoods' }),
    ),
  },
  { additionalProperties: false, default: {} },
);

export type FleetConfig = Static<typeof FleetConfigSchema>;

/** What the motion tracker needs, in milliseconds. */
export interface MotionConfig {
  stopMinMs: number;
  stillKmh: number;
  stopRadiusM: number;
  outingEndParkMs: number;
  maxGapMs: number;
  timeZone: string;
}

/** The defaults, for callers (and tests) that pass only what they change. */
export function fleetConfig(partial: Partial<FleetConfig> = {}): FleetConfig {
  return Value.Default(FleetConfigSchema, structuredClone(partial)) as FleetConfig;
}

export function motionConfig(config: FleetConfig): MotionConfig {
  return {
    stopMinMs: config.stopMinMinutes * 60_000,
    stillKmh: config.stillKmh,
    stopRadiusM: config.stopRadiusM,
    outingEndParkMs: config.outingEndParkMinutes * 60_000,
    maxGapMs: config.maxGapMinutes * 60_000,
    timeZone: config.timeZone,
  };
}
