import { localDate } from './local-day.js';
import type { FleetSample } from './sample.js';

interface Reading {
  value: number;
  ts: number;
}

/** How much a "since local midnight" counter grew from `prev` to `value` at `ts`. */
export function counterIncrease(prev: Reading | undefined, value: number | undefined, ts: number, timeZone: string) {
  if (prev === undefined || value === undefined) return 0;
  // The unit resets its counts at local midnight (and may on a reboot): what it shows after a reset
  // was all counted from zero. What happened between the last reading and midnight is not known.
  if (value < prev.value || localDate(ts, timeZone) !== localDate(prev.ts, timeZone)) return value;
  return value - prev.value;
}

/**
 * Residents served over a span: the growth of the hotspot's `sessionsToday` and `distinctDevicesToday`,
 * summed sample by sample so that midnight resets are added from zero instead of going negative.
 */
export class ResidentCounter {
  sessions = 0;
  devices = 0;
  private lastSessions: Reading | undefined;
  private lastDevices: Reading | undefined;

  constructor(private readonly timeZone: string) {}

  add(sample: FleetSample): void {
    const { ts, sessionsToday, distinctDevicesToday } = sample;
    this.sessions += counterIncrease(this.lastSessions, sessionsToday, ts, this.timeZone);
    this.devices += counterIncrease(this.lastDevices, distinctDevicesToday, ts, this.timeZone);
    if (sessionsToday !== undefined) this.lastSessions = { value: sessionsToday, ts };
    if (distinctDevicesToday !== undefined) this.lastDevices = { value: distinctDevicesToday, ts };
  }

  snapshot(): { sessions: number; devices: number } {
    return { sessions: this.sessions, devices: this.devices };
  }
}
