import type { ReconstructedState } from '@triporteur/edge/contract';
import { type FleetConfig, type MotionConfig, motionConfig } from './config.js';
import { MotionTracker, type Outing } from './outings.js';
import { type FleetSample, sampleFromState } from './sample.js';
import type { Stop } from './stops.js';
import { type ZoneEvent, ZoneTracker } from './zone-tracker.js';
import type { Zone } from './zones.js';

/** What one record (or a tick) closed for one unit: rows for the fleet store and events for alerts. */
export interface FleetEvents {
  unitId: string;
  stops: Stop[];
  outings: Outing[];
  zoneEvents: ZoneEvent[];
  /** The record was not newer than the last one processed (a replay): rebuild its day with `recompute`. */
  ignored: boolean;
}

interface UnitTrackers {
  motion: MotionTracker;
  zones: ZoneTracker;
}

/**
 * The live fleet model of every unit: stops, outings and zone crossings, fed the state rebuilt after each
 * telemetry record. One instance per dashboard process; pure apart from its memory (no clock, no I/O).
 */
export class FleetTracker {
  private readonly units = new Map<string, UnitTrackers>();
  private readonly motion: MotionConfig;

  constructor(
    config: FleetConfig,
    private readonly zones: readonly Zone[],
  ) {
    this.motion = motionConfig(config);
  }

  /** After a record is folded into the unit's state: `state` is the state after it, `ts` the record's. */
  onRecord(unitId: string, ts: number, state: ReconstructedState, bootId?: string): FleetEvents {
    return this.onSample(unitId, sampleFromState(ts, state, bootId));
  }

  onSample(unitId: string, sample: FleetSample): FleetEvents {
    const unit = this.unit(unitId);
    const motion = unit.motion.feed(sample);
    if (motion.ignored) return { unitId, stops: [], outings: [], zoneEvents: [], ignored: true };
    return {
      unitId,
      stops: motion.stops,
      outings: motion.outings,
      zoneEvents: unit.zones.update(sample),
      ignored: false,
    };
  }

  /** What silence and the end of the day close, for every unit; only units with something closed. */
  tick(now: number): FleetEvents[] {
    const out: FleetEvents[] = [];
    for (const [unitId, unit] of this.units) {
      const { stops, outings } = unit.motion.tick(now);
      if (stops.length > 0 || outings.length > 0) out.push({ unitId, stops, outings, zoneEvents: [], ignored: false });
    }
    return out;
  }

  /**
   * Zones the unit was in when the dashboard last stopped (`FleetHistoryStore.zonesInside`), so a restart does
   * not announce entries again. Call before the unit's first record.
   */
  seedZones(unitId: string, inside: Iterable<string>): void {
    const unit = this.unit(unitId);
    unit.zones = new ZoneTracker(this.zones, inside);
  }

  /**
   * Rebuilds a unit's model from its stored samples from some instant on (see `FleetHistoryStore.recomputeStart`),
   * after historical records landed in the past. The live trackers continue from the end of `samples`;
   * what it returns replaces the stored rows from that instant (`FleetHistoryStore.replaceFrom`).
   */
  rebuild(
    unitId: string,
    samples: readonly FleetSample[],
    zonesInsideAtStart: Iterable<string> = [],
  ): { stops: Stop[]; outings: Outing[]; zoneEvents: ZoneEvent[] } {
    const unit: UnitTrackers = {
      motion: new MotionTracker(this.motion),
      zones: new ZoneTracker(this.zones, zonesInsideAtStart),
    };
    this.units.set(unitId, unit);
    const result = { stops: [] as Stop[], outings: [] as Outing[], zoneEvents: [] as ZoneEvent[] };
    for (const sample of [...samples].sort((a, b) => a.ts - b.ts)) {
      const events = this.onSample(unitId, sample);
      result.stops.push(...events.stops);
      result.outings.push(...events.outings);
      result.zoneEvents.push(...events.zoneEvents);
    }
    return result;
  }

  /** Forgets every unit (this process stopped leading: another one runs the model now). */
  clear(): void {
    this.units.clear();
  }

  openStop(unitId: string): Stop | undefined {
    return this.units.get(unitId)?.motion.openStop();
  }

  openOuting(unitId: string): Outing | undefined {
    return this.units.get(unitId)?.motion.openOuting();
  }

  zonesOf(unitId: string): ReadonlySet<string> {
    return this.units.get(unitId)?.zones.inside ?? new Set();
  }

  private unit(unitId: string): UnitTrackers {
    let unit = this.units.get(unitId);
    if (!unit) {
      unit = { motion: new MotionTracker(this.motion), zones: new ZoneTracker(this.zones) };
      this.units.set(unitId, unit);
    }
    return unit;
  }
}
