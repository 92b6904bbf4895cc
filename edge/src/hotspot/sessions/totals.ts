import type { HotspotAggregate } from '../../records/sources.js';

/**
 * Why a session ended: the device left (hostapd, or its lease ended), it idled out in the kernel, its
 * time was up, or it used its volume quota.
 */
export type SessionEnd = 'left' | 'idle' | 'timeout' | 'quota';

/** Everything the hotspot publishes: counts and byte totals only, never a MAC, an IP or a hash. */
export interface HotspotTotals extends HotspotAggregate {
  /** Stations associated to the open SSID now (hostapd); 0 where no station source is wired. */
  stationsNow: number;
  capacity: number;
  /** Client → Internet bytes through the hotspot this boot (nft counters, robust to ruleset reloads). */
  bytesUp: number;
  /** Internet → client bytes this boot. */
  bytesDown: number;
  /** Acceptances refused today because the client ceiling was reached (issue 8's capacity figure). */
  refusedFullToday: number;
  endedLeftToday: number;
  endedIdleToday: number;
  endedTimeoutToday: number;
  /** Sessions ended since local midnight because their volume quota was used up. */
  endedQuotaToday: number;
}

/** Counts that restart at local midnight. */
export class DayCounts {
  started = 0;
  refusedFull = 0;
  readonly ended: Record<SessionEnd, number> = { left: 0, idle: 0, timeout: 0, quota: 0 };
}
