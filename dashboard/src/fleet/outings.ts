import type { MotionConfig } from './config.js';
import { haversineM, type LatLon } from './geo.js';
import { localDate } from './local-day.js';
import { ResidentCounter } from './residents.js';
import type { FleetSample } from './sample.js';
import { type Stop, StopDetector } from './stops.js';

/** A day's ride: from the first movement until parked (or silent) for long, or the local day's end. */
export interface Outing {
  startTs: number;
  endTs: number;
  /** Haversine sum over the fixes while moving; a paused stretch counts as the straight line across it. */
  distanceM: number;
  /** Stops that ended during the outing. */
  stops: number;
  /** Growth of the hotspot counters over the whole outing, short halts and riding included. */
  sessions: number;
  devices: number;
  /** Time between consecutive moving samples. */
  movingMs: number;
  bootId?: string;
}

/** What one sample or tick closed. `ignored`: the sample was older than one already processed. */
export interface MotionOutput {
  stops: Stop[];
  outings: Outing[];
  ignored: boolean;
}

interface OpenOuting {
  startTs: number;
  bootId: string | undefined;
  distanceM: number;
  stops: number;
  movingMs: number;
  residents: ResidentCounter;
  /** The residents when the unit parked, for an outing that ends where that park began. */
  residentsAtPark: { sessions: number; devices: number } | undefined;
}

/**
 * Stops and outings of one unit, fed its samples in time order. Incremental: `feed` returns what each
 * sample closed, `tick` closes what silence or the end of the day closes. A sample not newer than the
 * last one is ignored (`ignored: true`); the caller rebuilds that span with `recompute` instead.
 */
export class MotionTracker {
  private readonly detector: StopDetector;
  private last: FleetSample | undefined;
  private lastFix: LatLon | undefined;
  private lastMoving = false;
  private outing: OpenOuting | undefined;

  constructor(private readonly config: MotionConfig) {
    this.detector = new StopDetector(config);
  }

  /** Timestamp of the last sample processed. */
  get lastTs(): number | undefined {
    return this.last?.ts;
  }

  feed(sample: FleetSample): MotionOutput {
    const out: MotionOutput = { stops: [], outings: [], ignored: false };
    const last = this.last;
    if (last && sample.ts <= last.ts) return { ...out, ignored: true };
    if (last) {
      if (sample.ts - last.ts > this.config.maxGapMs) this.silence(last.ts, sample.ts, out);
      if (this.dayOf(sample.ts) !== this.dayOf(last.ts)) this.endDay(last.ts, out);
    }
    this.step(sample, out);
    this.last = sample;
    return out;
  }

  /** What the clock alone closes at `now`: a stop the unit went silent in, a long park, the day's end. */
  tick(now: number): MotionOutput {
    const out: MotionOutput = { stops: [], outings: [], ignored: false };
    const last = this.last;
    if (!last || now <= last.ts) return out;
    if (now - last.ts > this.config.maxGapMs) this.silence(last.ts, now, out);
    const parkedSince = this.detector.parkedSince ?? (this.lastMoving ? undefined : last.ts);
    if (this.outing && parkedSince !== undefined && now - parkedSince >= this.config.outingEndParkMs) {
      this.closeOuting(parkedSince, out);
    }
    if (this.dayOf(now) !== this.dayOf(last.ts)) this.endDay(last.ts, out);
    return out;
  }

  /** The stop in progress once it is long enough to count, for the live view. */
  openStop(): Stop | undefined {
    return this.detector.current();
  }

  /** The outing in progress, as far as the last sample. */
  openOuting(): Outing | undefined {
    return this.outing && this.last ? this.summary(this.outing, this.last.ts) : undefined;
  }

  private step(sample: FleetSample, out: MotionOutput): void {
    const motion = this.detector.classify(sample);
    if (motion === 'still') {
      if (this.detector.parkedSince === undefined && this.outing) {
        this.outing.residentsAtPark = this.outing.residents.snapshot();
      }
      this.detector.hold(sample);
      this.outing?.residents.add(sample);
      const parkedSince = this.detector.parkedSince ?? sample.ts;
      if (this.outing && sample.ts - parkedSince >= this.config.outingEndParkMs) this.closeOuting(parkedSince, out);
      this.lastMoving = false;
    } else {
      const stop = this.detector.end(sample.ts, sample);
      if (stop) this.recordStop(stop, out);
      const outing = this.outing ?? this.openOutingAt(sample);
      outing.residents.add(sample);
      outing.residentsAtPark = undefined;
      if (sample.lat !== undefined && sample.lon !== undefined && this.lastFix) {
        outing.distanceM += haversineM(this.lastFix, { lat: sample.lat, lon: sample.lon });
      }
      if (motion === 'moving' && this.lastMoving && this.last) outing.movingMs += sample.ts - this.last.ts;
      this.lastMoving = motion === 'moving';
      // Slow but far from the spot it left: it has parked somewhere new.
      if (motion === 'moved-away') {
        outing.residentsAtPark = outing.residents.snapshot();
        this.detector.hold(sample);
      }
    }
    // Kept across a pause: the straight line over the paused stretch is a lower bound, and reveals nothing.
    if (sample.lat !== undefined && sample.lon !== undefined) this.lastFix = { lat: sample.lat, lon: sample.lon };
  }

  /** Nothing heard from `lastTs` to `resumeTs`: the spot being watched ends where it was last seen. */
  private silence(lastTs: number, resumeTs: number, out: MotionOutput): void {
    const parkedSince = this.detector.parkedSince ?? lastTs;
    if (this.outing && resumeTs - parkedSince >= this.config.outingEndParkMs) this.closeOuting(parkedSince, out);
    const stop = this.detector.end(lastTs);
    if (stop) this.recordStop(stop, out);
    // The park ended where the unit was last seen; residents counted up to then stay in the outing.
    if (this.outing) this.outing.residentsAtPark = undefined;
    // No straight line is drawn over hours nobody observed.
    this.lastFix = undefined;
    this.lastMoving = false;
  }

  private endDay(lastTs: number, out: MotionOutput): void {
    if (this.outing) this.closeOuting(this.detector.parkedSince ?? lastTs, out);
  }

  private openOutingAt(sample: FleetSample): OpenOuting {
    const residents = new ResidentCounter(this.config.timeZone);
    // The counts the unit showed just before it left are the baseline, not residents of this outing.
    if (this.last) residents.add(this.last);
    this.outing = {
      startTs: sample.ts,
      bootId: sample.bootId,
      distanceM: 0,
      stops: 0,
      movingMs: 0,
      residents,
      residentsAtPark: undefined,
    };
    return this.outing;
  }

  private recordStop(stop: Stop, out: MotionOutput): void {
    out.stops.push(stop);
    if (this.outing) this.outing.stops++;
  }

  private closeOuting(endTs: number, out: MotionOutput): void {
    const outing = this.outing;
    if (!outing) return;
    this.outing = undefined;
    out.outings.push(this.summary(outing, endTs));
  }

  private summary(outing: OpenOuting, endTs: number): Outing {
    const residents = outing.residentsAtPark ?? outing.residents.snapshot();
    return {
      startTs: outing.startTs,
      endTs: Math.max(endTs, outing.startTs),
      distanceM: outing.distanceM,
      stops: outing.stops,
      sessions: residents.sessions,
      devices: residents.devices,
      movingMs: outing.movingMs,
      ...(outing.bootId !== undefined ? { bootId: outing.bootId } : {}),
    };
  }

  private dayOf(ts: number): string {
    return localDate(ts, this.config.timeZone);
  }
}

/** Stops and outings from a whole stored track: what a replay of historical records is rebuilt with. */
export function recompute(
  samples: readonly FleetSample[],
  config: MotionConfig,
  now?: number,
): { stops: Stop[]; outings: Outing[]; openStop: Stop | undefined; openOuting: Outing | undefined } {
  const tracker = new MotionTracker(config);
  const stops: Stop[] = [];
  const outings: Outing[] = [];
  for (const sample of [...samples].sort((a, b) => a.ts - b.ts)) {
    const out = tracker.feed(sample);
    stops.push(...out.stops);
    outings.push(...out.outings);
  }
  if (now !== undefined) {
    const out = tracker.tick(now);
    stops.push(...out.stops);
    outings.push(...out.outings);
  }
  return { stops, outings, openStop: tracker.openStop(), openOuting: tracker.openOuting() };
}
