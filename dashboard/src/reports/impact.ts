import type { FleetHistoryStore, StoredOuting, StoredStop, StoredZoneEvent } from '../fleet/fleet-store.js';
import { localDate, startOfNextLocalDay } from '../fleet/local-day.js';
import { type Zone, zonesAt } from '../fleet/zones.js';
import type { HotspotDay, HotspotDayStore } from './hotspot-days.js';
import { addAnswers, noAnswers, type QuestionnaireCounts } from './questionnaire.js';

/** The figures funders ask for, over a unit or the whole fleet. */
export interface Figures {
  outings: number;
  /** Sum of the outings' durations: time out in the neighbourhoods. */
  presentMs: number;
  /** Portal sessions opened: the sum of each day's highest `sessionsToday`. */
  sessions: number;
  /** Σ over days of that day's distinct devices (a resident back the next day counts again). */
  devicesDays: number;
  /** devicesDays / activeDays; 0 without an active day. */
  devicesPerDayMean: number;
  distanceM: number;
  /** Days with at least one outing or stop (for the fleet: calendar days any unit was out). */
  activeDays: number;
}

export interface ImpactDay {
  day: string;
  outings: number;
  presentMs: number;
  sessions: number;
  devices: number;
  distanceM: number;
}

export type UnitImpact = { unitId: string; name: string } & Figures & { perDay: ImpactDay[] };

/**
 * A zone's figures. Zone crossings and stop places go with the positions (retention.positionDays, two
 * months by default), so a range older than that shows its zones empty while the unit figures remain.
 */
export interface ZoneImpact {
  /** The zone's id in the zones file, else its name. */
  zone: string;
  name: string;
  /** Entries into the zone, all units. */
  visits: number;
  /** Time units spent inside, clipped to the range (a visit still open counts up to `to` or now). */
  presentMs: number;
  /** Stops whose centre lies in the zone, with the sessions and devices counted during them. */
  stops: number;
  sessions: number;
  devices: number;
}

export interface ImpactReport {
  from: number;
  to: number;
  timeZone: string;
  /** Every local day the range touches, 'YYYY-MM-DD', in order. */
  days: string[];
  totals: Figures;
  units: UnitImpact[];
  zones: ZoneImpact[];
  /** Summed over units and days; null when no unit had the questionnaire on a day of the range. */
  questionnaire: QuestionnaireCounts | null;
}

export interface ImpactSources {
  fleetStore: Pick<FleetHistoryStore, 'outings' | 'stops' | 'zoneEvents' | 'zonesInside'>;
  hotspotDays: Pick<HotspotDayStore, 'between'>;
  /** The configured units, in the order the report lists them. */
  units: () => Promise<readonly { id: string; name: string }[]>;
  zones: readonly Zone[];
  timeZone: string;
  now: () => number;
}

/** The local days [from, to) touches: the first from `from`'s day, the last from the instant before `to`. */
export function localDays(from: number, to: number, timeZone: string): string[] {
  const days: string[] = [];
  for (let t = from; t < to; t = startOfNextLocalDay(t, timeZone)) days.push(localDate(t, timeZone));
  return days;
}

const emptyDay = (day: string): ImpactDay => ({ day, outings: 0, presentMs: 0, sessions: 0, devices: 0, distanceM: 0 });

function figures(perDay: readonly ImpactDay[], activeDays: number): Figures {
  const sum = (pick: (d: ImpactDay) => number) => perDay.reduce((n, d) => n + pick(d), 0);
  const devicesDays = sum((d) => d.devices);
  return {
    outings: sum((d) => d.outings),
    presentMs: sum((d) => d.presentMs),
    sessions: sum((d) => d.sessions),
    devicesDays,
    devicesPerDayMean: activeDays > 0 ? devicesDays / activeDays : 0,
    distanceM: sum((d) => d.distanceM),
    activeDays,
  };
}

/** One unit's days: outings by the day they began, hotspot figures from the daily table. */
function unitDays(
  days: readonly string[],
  outings: readonly StoredOuting[],
  stops: readonly StoredStop[],
  hotspot: readonly HotspotDay[],
  timeZone: string,
): { perDay: ImpactDay[]; active: Set<string> } {
  const byDay = new Map(days.map((day) => [day, emptyDay(day)]));
  const active = new Set<string>();
  for (const o of outings) {
    const day = byDay.get(localDate(o.startTs, timeZone));
    if (!day) continue;
    day.outings++;
    day.presentMs += o.endTs - o.startTs;
    day.distanceM += o.distanceM;
    active.add(day.day);
  }
  for (const s of stops) {
    const day = localDate(s.startTs, timeZone);
    if (byDay.has(day)) active.add(day);
  }
  for (const h of hotspot) {
    const day = byDay.get(h.day);
    if (!day) continue;
    day.sessions = h.sessions;
    day.devices = h.devices;
  }
  return { perDay: [...byDay.values()], active };
}

/** Time inside each zone per unit: from its enter (or `from`, if it was inside then) to its leave or `end`. */
function presenceByZone(
  events: readonly StoredZoneEvent[],
  insideAtStart: readonly string[],
  from: number,
  end: number,
): Map<string, number> {
  const open = new Map(insideAtStart.map((zone) => [zone, from]));
  const total = new Map<string, number>();
  const add = (zone: string, ms: number) => total.set(zone, (total.get(zone) ?? 0) + Math.max(0, ms));
  for (const e of events) {
    const since = open.get(e.zone);
    if (e.kind === 'enter' && since === undefined) open.set(e.zone, e.ts);
    if (e.kind === 'leave' && since !== undefined) {
      add(e.zone, Math.min(e.ts, end) - since);
      open.delete(e.zone);
    }
  }
  for (const [zone, since] of open) add(zone, end - since);
  return total;
}

/**
 * The impact report over [from, to) in the fleet's local days. Outings, stops and zone crossings count when
 * they began in the range. Sessions and devices come from the daily hotspot table (each day's highest
 * counters, so a day counts whole when the range touches it): every session the portal opened that day,
 * parked or riding, rather than the per-stop counts /api/reports/fleet adds up. Counts only: no place,
 * no time of day, no device identifier.
 */
export async function impactReport(sources: ImpactSources, from: number, to: number): Promise<ImpactReport> {
  const { fleetStore, timeZone, zones } = sources;
  const days = localDays(from, to, timeZone);
  const hotspot = await sources.hotspotDays.between(days[0] ?? '', days.at(-1) ?? '');
  const end = Math.min(to, sources.now());
  const zoneEvents = await fleetStore.zoneEvents(from, to);

  const zoneFigures = new Map(
    zones.map((z) => [
      z.name,
      { zone: z.id ?? z.name, name: z.name, visits: 0, presentMs: 0, stops: 0, sessions: 0, devices: 0 },
    ]),
  );
  const units: UnitImpact[] = [];
  const fleetActive = new Set<string>();
  let questionnaire: QuestionnaireCounts | null = null;
  for (const unit of await sources.units()) {
    const outings = await fleetStore.outings(unit.id, from, to);
    const stops = await fleetStore.stops(unit.id, from, to);
    const own = hotspot.filter((h) => h.unitId === unit.id);
    const { perDay, active } = unitDays(days, outings, stops, own, timeZone);
    for (const day of active) fleetActive.add(day);
    units.push({ unitId: unit.id, name: unit.name, ...figures(perDay, active.size), perDay });
    for (const h of own) if (h.questionnaire) questionnaire = addAnswers(questionnaire ?? noAnswers(), h.questionnaire);

    for (const s of stops) {
      if (s.lat === null || s.lon === null) continue;
      for (const name of zonesAt(zones, s.lat, s.lon)) {
        const z = zoneFigures.get(name);
        if (!z) continue;
        z.stops++;
        z.sessions += s.sessions;
        z.devices += s.devices;
      }
    }
    const ownEvents = zoneEvents.filter((e) => e.unitId === unit.id);
    for (const e of ownEvents) {
      const z = zoneFigures.get(e.zone);
      if (z && e.kind === 'enter') z.visits++;
    }
    const inside = await fleetStore.zonesInside(unit.id, from);
    for (const [name, ms] of presenceByZone(ownEvents, inside, from, end)) {
      const z = zoneFigures.get(name);
      if (z) z.presentMs += ms;
    }
  }

  const allDays = units.flatMap((u) => u.perDay);
  return {
    from,
    to,
    timeZone,
    days,
    totals: figures(allDays, fleetActive.size),
    units,
    zones: [...zoneFigures.values()],
    questionnaire,
  };
}
