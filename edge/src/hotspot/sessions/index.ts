export { DailyDevices, normalizeMac } from './daily-devices.js';
export type { CapacityChange } from './full-episode.js';
export { HotspotSessions } from './hotspot-sessions.js';
export { LocalDay } from './local-day.js';
export { DEFAULT_RECONCILE_INTERVAL_MS, DEFAULT_TIME_ZONE, type HotspotSessionsOptions } from './options.js';
export type {
  AllowedEntry,
  FirewallPort,
  LeaseEvent,
  LeaseSource,
  QuotaPort,
  StationEvent,
  StationSource,
  TrafficCounters,
  Unsubscribe,
} from './ports.js';
export { describeFailure, scrubAddresses } from './scrub.js';
export type { HotspotTotals, SessionEnd } from './totals.js';
export { TrafficMeter } from './traffic-meter.js';
