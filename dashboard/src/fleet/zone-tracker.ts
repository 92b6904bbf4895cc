import type { FleetSample } from './sample.js';
import { type Zone, zonesAt } from './zones.js';

export interface ZoneEvent {
  zone: string;
  kind: 'enter' | 'leave';
  ts: number;
}

/**
 * Which zones one unit is in, and the enter/leave events as its positions arrive. A paused sample, or one
 * without a fix, says nothing about where the unit is: no event, and the last known zones are kept.
 */
export class ZoneTracker {
  private readonly current: Set<string>;

  /** `inside`: the zones the unit was last known to be in (from the store), so a restart repeats nothing. */
  constructor(
    private readonly zones: readonly Zone[],
    inside: Iterable<string> = [],
  ) {
    const known = new Set(zones.map((z) => z.name));
    // A zone removed from the file since cannot be left any more.
    this.current = new Set([...inside].filter((name) => known.has(name)));
  }

  get inside(): ReadonlySet<string> {
    return this.current;
  }

  update(sample: FleetSample): ZoneEvent[] {
    if (sample.paused || sample.lat === undefined || sample.lon === undefined) return [];
    const now = new Set(zonesAt(this.zones, sample.lat, sample.lon));
    const events: ZoneEvent[] = [];
    for (const zone of this.current) {
      if (!now.has(zone)) events.push({ zone, kind: 'leave', ts: sample.ts });
    }
    for (const zone of now) {
      if (!this.current.has(zone)) events.push({ zone, kind: 'enter', ts: sample.ts });
    }
    this.current.clear();
    for (const zone of now) this.current.add(zone);
    return events;
  }
}
