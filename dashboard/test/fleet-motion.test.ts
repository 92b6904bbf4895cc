import { applyRecord, type ReconstructedState } from '@triporteur/edge/contract';
import { describe, expect, it } from 'vitest';
import { fleetConfig, motionConfig } from '../src/fleet/config.js';
import { haversineM } from '../src/fleet/geo.js';
import { localDate, startOfLocalDay, startOfNextLocalDay } from '../src/fleet/local-day.js';
import { MotionTracker, recompute } from '../src/fleet/outings.js';
import { counterIncrease } from '../src/fleet/residents.js';
import { type FleetSample, sampleFromState } from '../src/fleet/sample.js';

const MIN = 60_000;
const CONFIG = motionConfig(fleetConfig());
const PARIS = 'Europe/Paris';
/** 10 June 2025, 08:30 in Paris (UTC+2). */
const MORNING = Date.UTC(2025, 5, 10, 6, 30);
const DEPOT = { lat: 45.7485, lon: 4.8467 };

/**
 * A synthetic tricycle shaped like the edge's report-by-exception stream: a sample every 10 s while
 * riding, and while parked one at the halt, then heartbeats every 5 min with GPS jitter.
 */
class Track {
  readonly samples: FleetSample[] = [];
  t: number;
  lat: number;
  lon: number;
  sessions = 0;
  devices = 0;
  private wobble = 0;

  constructor(start: number, where = DEPOT) {
    this.t = start;
    this.lat = where.lat;
    this.lon = where.lon;
  }

  private push(extra: Partial<FleetSample> & { paused?: boolean }, coords = true): void {
    const paused = extra.paused ?? false;
    this.samples.push({
      ts: this.t,
      paused,
      ...(coords && !paused ? { lat: this.lat, lon: this.lon } : {}),
      sessionsToday: this.sessions,
      distinctDevicesToday: this.devices,
      ...extra,
    });
  }

  /** Rides for `minutes` at `kmh` on a bearing (degrees from north). */
  ride(minutes: number, bearingDeg: number, kmh = 12, options: { paused?: boolean } = {}): this {
    const stepM = (kmh / 3.6) * 10;
    const b = (bearingDeg * Math.PI) / 180;
    for (let i = 0; i < minutes * 6; i++) {
      this.t += 10_000;
      this.lat += (stepM * Math.cos(b)) / 111_320;
      this.lon += (stepM * Math.sin(b)) / (111_320 * Math.cos((this.lat * Math.PI) / 180));
      if (options.paused) this.push({ paused: true, motorSpeedKmh: kmh });
      else this.push({ speedKmh: kmh });
    }
    return this;
  }

  /**
   * Parks for `minutes`: one sample on stopping, then one every `everyS` seconds with ±`jitterM` of GPS
   * noise; `sessions`/`devices` residents connect evenly over the stop. The departure is the next ride's.
   */
  park(
    minutes: number,
    options: { everyS?: number; jitterM?: number; sessions?: number; devices?: number; paused?: boolean } = {},
  ): this {
    const { everyS = 300, jitterM = 10, sessions = 0, devices = 0, paused = false } = options;
    const beats = Math.floor((minutes * 60) / everyS);
    const base = { lat: this.lat, lon: this.lon };
    const from = { sessions: this.sessions, devices: this.devices };
    const still = paused ? { paused: true, motorSpeedKmh: 0 } : { speedKmh: 0.4 };
    this.t += 10_000;
    this.push(still);
    const startT = this.t;
    const endT = startT + minutes * MIN - 10_000;
    for (let i = 1; i <= beats; i++) {
      this.t = Math.min(startT + i * everyS * 1000, endT);
      this.sessions = from.sessions + Math.round((sessions * i) / beats);
      this.devices = from.devices + Math.round((devices * i) / beats);
      this.jitter(base, jitterM);
      this.push(still);
      if (this.t === endT) break;
    }
    if (this.t !== endT) {
      this.t = endT;
      this.jitter(base, jitterM);
      this.push(still);
    }
    this.sessions = from.sessions + sessions;
    this.devices = from.devices + devices;
    this.lat = base.lat;
    this.lon = base.lon;
    return this;
  }

  /** Deterministic noise within ±`jitterM` metres around `base`. */
  private jitter(base: { lat: number; lon: number }, jitterM: number): void {
    this.wobble += 2.4;
    const r = jitterM * Math.abs(Math.sin(this.wobble * 1.7));
    this.lat = base.lat + (r * Math.cos(this.wobble)) / 111_320;
    this.lon = base.lon + (r * Math.sin(this.wobble)) / (111_320 * Math.cos((base.lat * Math.PI) / 180));
  }
}

function feedAll(samples: readonly FleetSample[]) {
  const tracker = new MotionTracker(CONFIG);
  const stops = [];
  const outings = [];
  for (const s of samples) {
    const out = tracker.feed(s);
    expect(out.ignored).toBe(false);
    stops.push(...out.stops);
    outings.push(...out.outings);
  }
  return { tracker, stops, outings };
}

/** The morning ride of the issue: two 20-min stops, a 5-min halt at a light, then back to the depot. */
function morningRide() {
  const track = new Track(MORNING).park(5);
  const leftDepot = track.t + 10_000;
  track.ride(15, 45);
  const stopA = { ...{ lat: track.lat, lon: track.lon }, start: track.t + 10_000 };
  track.park(20, { sessions: 7, devices: 5 });
  track.ride(5, 90);
  track.park(5, { everyS: 60, jitterM: 3 }); // a traffic light
  track.ride(5, 90);
  const stopB = { ...{ lat: track.lat, lon: track.lon }, start: track.t + 10_000 };
  track.park(20, { sessions: 4, devices: 4 });
  track.ride(15, 225);
  const backAt = track.t + 10_000;
  track.park(180);
  return { track, leftDepot, stopA, stopB, backAt };
}

describe('stops', () => {
  it('finds the two 20-min stops of a morning ride, not the 5-min halt at a light', () => {
    const { track, stopA, stopB } = morningRide();
    const { stops } = feedAll(track.samples);
    expect(stops).toHaveLength(2);
    const [a, b] = stops;
    expect(a).toMatchObject({ startTs: stopA.start, endTs: stopA.start + 20 * MIN, durationMs: 20 * MIN });
    expect(a).toMatchObject({ sessions: 7, devices: 5 });
    expect(b).toMatchObject({ startTs: stopB.start, durationMs: 20 * MIN, sessions: 4, devices: 4 });
    // The ±10 m jitter averages out: the centroid is within a few metres of where it parked.
    expect(haversineM(stopA, { lat: a?.lat ?? 0, lon: a?.lon ?? 0 })).toBeLessThan(6);
    expect(haversineM(stopB, { lat: b?.lat ?? 0, lon: b?.lon ?? 0 })).toBeLessThan(6);
  });

  it('counts a halt of exactly stopMinMinutes and drops one just under it', () => {
    const long = new Track(MORNING).ride(2, 0).park(10).ride(2, 0);
    expect(feedAll(long.samples).stops.map((s) => s.durationMs)).toEqual([10 * MIN]);
    const short = new Track(MORNING).ride(2, 0).park(9.5, { everyS: 60 }).ride(2, 0);
    expect(feedAll(short.samples).stops).toEqual([]);
  });

  it('reads stopMinMinutes from the config', () => {
    const track = new Track(MORNING).ride(2, 0).park(5, { everyS: 60 }).ride(2, 0);
    const { stops } = recompute(track.samples, motionConfig(fleetConfig({ stopMinMinutes: 4 })));
    expect(stops.map((s) => s.durationMs)).toEqual([5 * MIN]);
  });

  it('splits a slow creep that ends more than 50 m away into a new spot', () => {
    const track = new Track(MORNING).ride(2, 0).park(12);
    // Pushed 80 m along the pavement without reaching walking speed in any sample.
    track.lat += 80 / 111_320;
    track.t += 60_000;
    track.park(12).ride(2, 0);
    const { stops } = feedAll(track.samples);
    expect(stops).toHaveLength(2);
    expect(
      haversineM(stops[0] as { lat: number; lon: number }, stops[1] as { lat: number; lon: number }),
    ).toBeGreaterThan(70);
  });

  it('adds the hotspot counts from zero after the Paris midnight reset', () => {
    // 10 June 2025 23:40 in Paris is 21:40 UTC.
    const track = new Track(Date.UTC(2025, 5, 10, 21, 30)).ride(10, 0);
    const stopStart = track.t + 10_000;
    track.park(19, { sessions: 2, devices: 2 }); // 23:40 → 23:59: 0 → 2 residents
    expect(localDate(track.t, PARIS)).toBe('2025-06-10');
    // The unit reset its counts at midnight; at its 00:05 heartbeat 3 residents have come since.
    // 3 is above nothing it showed before midnight, so only the date tells it is a reset.
    track.t = startOfNextLocalDay(track.t, PARIS) + 5 * MIN - 10_000;
    track.sessions = 3;
    track.devices = 2;
    track.park(15, { sessions: 3, devices: 2 }); // 00:05 → 00:20: 3 → 6
    track.ride(3, 0);
    const { stops, outings } = feedAll(track.samples);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ startTs: stopStart, sessions: 2 + 6, devices: 2 + 4 });
    expect(localDate(stops[0]?.startTs ?? 0, PARIS)).toBe('2025-06-10');
    expect(localDate(stops[0]?.endTs ?? 0, PARIS)).toBe('2025-06-11');
    // The day's outing ended when the unit parked; the stop belongs to no outing.
    expect(outings[0]).toMatchObject({ endTs: stopStart, stops: 0 });
  });

  it('adds from zero when the count drops, whatever the date', () => {
    const track = new Track(MORNING).ride(3, 0);
    track.sessions = 9;
    track.park(10, { sessions: 2 });
    track.sessions = 0; // the hotspot restarted and lost its count
    track.park(10, { sessions: 4 });
    track.ride(3, 0);
    expect(feedAll(track.samples).stops[0]?.sessions).toBe(2 + 4);
  });

  it('keeps a paused stop: its duration and residents count, its place is null', () => {
    const track = new Track(MORNING).ride(5, 0);
    const start = track.t + 10_000;
    track.park(25, { paused: true, sessions: 3, devices: 2 }).ride(5, 0);
    const { stops } = feedAll(track.samples);
    expect(stops).toEqual([
      { startTs: start, endTs: start + 25 * MIN, durationMs: 25 * MIN, lat: null, lon: null, sessions: 3, devices: 2 },
    ]);
  });

  it('gives no place to a stop paused half-way, since the place would show where the pause was', () => {
    const pausedLast = new Track(MORNING).ride(5, 0).park(10).park(15, { paused: true }).ride(5, 0);
    const pausedFirst = new Track(MORNING).ride(5, 0).park(15, { paused: true }).park(10).ride(5, 0);
    for (const track of [pausedLast, pausedFirst]) {
      const { stops } = feedAll(track.samples);
      expect(stops).toHaveLength(1);
      expect(stops[0]).toMatchObject({ durationMs: 25 * MIN, lat: null, lon: null });
    }
  });

  it('ends a stop where the unit was last heard when it goes silent, and ignores stale samples', () => {
    const track = new Track(MORNING).ride(5, 0).park(20);
    const tracker = new MotionTracker(CONFIG);
    for (const s of track.samples) tracker.feed(s);
    const last = track.samples.at(-1) as FleetSample;
    expect(tracker.openStop()?.durationMs).toBe(20 * MIN - 10_000);
    expect(tracker.feed({ ...last, ts: last.ts - 60_000 }).ignored).toBe(true);
    expect(tracker.tick(last.ts + 20 * MIN).stops).toEqual([]);
    const closed = tracker.tick(last.ts + 31 * MIN);
    expect(closed.stops).toHaveLength(1);
    expect(closed.stops[0]?.endTs).toBe(last.ts);
  });
});

describe('outings', () => {
  it('summarises the morning ride: from leaving the depot to parking there for hours', () => {
    const { track, leftDepot, backAt } = morningRide();
    const { outings, tracker } = feedAll(track.samples);
    expect(outings).toHaveLength(1);
    const [outing] = outings;
    expect(outing).toMatchObject({ startTs: leftDepot, endTs: backAt, stops: 2, sessions: 11, devices: 9 });
    // 40 minutes of riding at 12 km/h is 8 km.
    expect(outing?.distanceM).toBeGreaterThan(7_900);
    expect(outing?.distanceM).toBeLessThan(8_100);
    expect(outing?.movingMs).toBeGreaterThan(38 * MIN);
    expect(outing?.movingMs).toBeLessThanOrEqual(40 * MIN);
    // Back at the depot for three hours: parked there now, no outing open.
    expect(tracker.openOuting()).toBeUndefined();
    expect(tracker.openStop()?.startTs).toBe(backAt);
  });

  it('gives the same result fed one by one, recomputed at once, or recomputed from shuffled records', () => {
    const { track } = morningRide();
    const live = feedAll(track.samples);
    const again = recompute(track.samples, CONFIG);
    const shuffled = [...track.samples].reverse();
    expect(again.stops).toEqual(live.stops);
    expect(again.outings).toEqual(live.outings);
    expect(recompute(shuffled, CONFIG).outings).toEqual(live.outings);
  });

  it('closes an outing at the end of the local day when the unit stops reporting', () => {
    const track = new Track(Date.UTC(2025, 5, 10, 19, 0)).ride(20, 90).park(8, { everyS: 60 });
    const tracker = new MotionTracker(CONFIG);
    for (const s of track.samples) tracker.feed(s);
    expect(tracker.openOuting()).toBeDefined();
    const last = track.samples.at(-1) as FleetSample;
    // Unheard for 40 min: the 8-min halt is no stop, and the outing stays open until the day ends.
    expect(tracker.tick(last.ts + 40 * MIN)).toEqual({ stops: [], outings: [], ignored: false });
    const midnight = startOfNextLocalDay(last.ts, PARIS);
    const out = tracker.tick(midnight + 1);
    expect(out.outings).toHaveLength(1);
    expect(out.outings[0]?.endTs).toBe(last.ts);
    expect(tracker.openOuting()).toBeUndefined();
  });

  it('counts a ride under location pause in time, and bridges its distance with a straight line', () => {
    const track = new Track(MORNING).ride(5, 0).ride(5, 0, 12, { paused: true }).ride(5, 0);
    const { tracker } = feedAll(track.samples);
    const outing = tracker.openOuting();
    expect(outing?.movingMs).toBeGreaterThan(14 * MIN);
    expect(outing?.distanceM).toBeGreaterThan(2_900);
    expect(outing?.distanceM).toBeLessThan(3_100);
  });
});

describe('hotspot counters', () => {
  it('grows, resets at a drop or a new Paris day, and ignores missing readings', () => {
    const at = Date.UTC(2025, 0, 15, 12);
    expect(counterIncrease({ value: 4, ts: at }, 9, at + MIN, PARIS)).toBe(5);
    expect(counterIncrease({ value: 9, ts: at }, 2, at + MIN, PARIS)).toBe(2);
    // 22:59 UTC is 23:59 in Paris in winter, 23:01 UTC is already the next day there.
    expect(
      counterIncrease({ value: 9, ts: Date.UTC(2025, 0, 15, 22, 59) }, 12, Date.UTC(2025, 0, 15, 23, 1), PARIS),
    ).toBe(12);
    expect(counterIncrease(undefined, 5, at, PARIS)).toBe(0);
    expect(counterIncrease({ value: 4, ts: at }, undefined, at, PARIS)).toBe(0);
  });
});

describe('local days', () => {
  it('finds Paris midnight across both daylight-saving changes', () => {
    expect(startOfLocalDay(Date.UTC(2025, 2, 30, 12), PARIS)).toBe(Date.UTC(2025, 2, 29, 23));
    expect(startOfLocalDay(Date.UTC(2025, 9, 26, 12), PARIS)).toBe(Date.UTC(2025, 9, 25, 22));
    expect(startOfNextLocalDay(Date.UTC(2025, 9, 26, 12), PARIS)).toBe(Date.UTC(2025, 9, 26, 23));
    expect(localDate(Date.UTC(2025, 5, 10, 22, 30), PARIS)).toBe('2025-06-11');
  });
});

describe('sampleFromState', () => {
  const fold = (records: Parameters<typeof applyRecord>[1][]): ReconstructedState =>
    records.reduce<ReconstructedState>((state, r) => applyRecord(state, r), {});

  it('takes coordinates, speeds and hotspot counts from the rebuilt state', () => {
    const state = fold([
      { ts: 1, position: { full: true, fix: '3d', lat: 45.75, lon: 4.85, speedKmh: 0.3 } },
      { ts: 2, motor: { full: true, faultCode: 0, faultName: 'none', speedKmh: 0 } },
      { ts: 3, hotspot: { full: true, sessionsNow: 1, sessionsToday: 8, distinctDevicesToday: 6 } },
    ]);
    expect(sampleFromState(3, state, 'boot-0001')).toEqual({
      ts: 3,
      bootId: 'boot-0001',
      paused: false,
      lat: 45.75,
      lon: 4.85,
      speedKmh: 0.3,
      motorSpeedKmh: 0,
      sessionsToday: 8,
      distinctDevicesToday: 6,
    });
  });

  it('never reads a coordinate while paused, without a fix, or when the fix is stale', () => {
    const paused = fold([
      { ts: 1, position: { full: true, fix: '3d', lat: 45.75, lon: 4.85 } },
      { ts: 2, position: { full: true, fix: '3d', paused: true } },
    ]);
    expect(sampleFromState(2, paused)).toEqual({ ts: 2, paused: true });
    // The aux switch alone is enough, even if a position was still held.
    const switched = fold([
      { ts: 1, position: { full: true, fix: '3d', lat: 45.75, lon: 4.85, speedKmh: 3 } },
      { ts: 2, aux: { full: true, modemPowered: true, pauseLocation: true } },
    ]);
    expect(sampleFromState(2, switched)).toEqual({ ts: 2, paused: true });
    const lost = fold([{ ts: 1, position: { full: true, fix: 'none', lat: 45.75, lon: 4.85, fixAgeMs: 9000 } }]);
    expect(sampleFromState(1, lost).lat).toBeUndefined();
    const stale = fold([{ ts: 1, position: { full: true, fix: '2d', lat: 45.75, lon: 4.85, q: { lat: 'stale' } } }]);
    expect(sampleFromState(1, stale).lat).toBeUndefined();
  });
});
