import type { MotionConfig } from './config.js';
import { haversineM } from './geo.js';
import { ResidentCounter } from './residents.js';
import type { FleetSample } from './sample.js';

/** The tricycle parked for at least `stopMinMinutes`: where, how long, how many residents on the Wi-Fi. */
export interface Stop {
  startTs: number;
  endTs: number;
  durationMs: number;
  /** Centroid of the parked fixes; null when location was paused during the stop, or no fix was had. */
  lat: number | null;
  lon: number | null;
  /** Growth of the hotspot's sessionsToday over the stop. */
  sessions: number;
  /** Growth of the hotspot's distinctDevicesToday over the stop. */
  devices: number;
  /** Boot the unit was in when the stop began. */
  bootId?: string;
}

/** How a sample relates to the current parked spot. */
export type Motion = 'still' | 'moved-away' | 'moving';

interface Candidate {
  startTs: number;
  lastTs: number;
  bootId: string | undefined;
  sumLat: number;
  sumLon: number;
  fixes: number;
  paused: boolean;
  residents: ResidentCounter;
}

/**
 * The parked spot being watched: it starts at the first still sample and ends at departure. Whether it
 * was long enough to be a stop is only known at the end, so a 5-minute halt at a traffic light never
 * shows up. GPS jitter while parked (±10 m) stays inside `stopRadiusM` of the centroid.
 */
export class StopDetector {
  private candidate: Candidate | undefined;

  constructor(private readonly config: MotionConfig) {}

  /** When the unit parked at the spot being watched, if it is parked. */
  get parkedSince(): number | undefined {
    return this.candidate?.startTs;
  }

  classify(sample: FleetSample): Motion {
    // The wheel speed is trusted first: it reads through a paused location and a lost fix.
    const speed = sample.motorSpeedKmh ?? sample.speedKmh;
    if (speed !== undefined && speed >= this.config.stillKmh) return 'moving';
    const centroid = this.centroid();
    // Without coordinates (paused, no fix) and no speed saying otherwise, nothing shows it moved.
    if (sample.lat === undefined || sample.lon === undefined || centroid === undefined) return 'still';
    return haversineM(centroid, { lat: sample.lat, lon: sample.lon }) <= this.config.stopRadiusM
      ? 'still'
      : 'moved-away';
  }

  /** A still sample: starts watching a spot, or extends the one being watched. */
  hold(sample: FleetSample): void {
    let c = this.candidate;
    if (!c) {
      c = {
        startTs: sample.ts,
        lastTs: sample.ts,
        bootId: sample.bootId,
        sumLat: 0,
        sumLon: 0,
        fixes: 0,
        paused: false,
        residents: new ResidentCounter(this.config.timeZone),
      };
      this.candidate = c;
    }
    c.lastTs = sample.ts;
    c.paused ||= sample.paused;
    if (sample.lat !== undefined && sample.lon !== undefined) {
      c.sumLat += sample.lat;
      c.sumLon += sample.lon;
      c.fixes++;
    }
    c.residents.add(sample);
  }

  /**
   * Stops watching at `endTs`. `departure`, the first sample that moved, still counts the residents who
   * connected until the unit left. Returns the stop when it lasted long enough.
   */
  end(endTs: number, departure?: FleetSample): Stop | undefined {
    const c = this.candidate;
    this.candidate = undefined;
    if (!c) return undefined;
    if (departure) c.residents.add(departure);
    return this.toStop(c, endTs);
  }

  /** The stop in progress, as far as `lastTs`, once it is long enough to count. */
  current(): Stop | undefined {
    return this.candidate ? this.toStop(this.candidate, this.candidate.lastTs) : undefined;
  }

  private centroid(): { lat: number; lon: number } | undefined {
    return this.candidate ? this.centroidOf(this.candidate) : undefined;
  }

  private toStop(c: Candidate, endTs: number): Stop | undefined {
    const durationMs = endTs - c.startTs;
    if (durationMs < this.config.stopMinMs) return undefined;
    // A stop paused at any moment gets no place: its centroid would tell where the pause was.
    const centroid = c.paused ? undefined : this.centroidOf(c);
    return {
      startTs: c.startTs,
      endTs,
      durationMs,
      lat: centroid?.lat ?? null,
      lon: centroid?.lon ?? null,
      ...c.residents.snapshot(),
      ...(c.bootId !== undefined ? { bootId: c.bootId } : {}),
    };
  }

  private centroidOf(c: Candidate): { lat: number; lon: number } | undefined {
    return c.fixes === 0 ? undefined : { lat: c.sumLat / c.fixes, lon: c.sumLon / c.fixes };
  }
}
