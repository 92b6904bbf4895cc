/**
 * Whether a unit's clock reading can be believed. A Pi has no RTC: before NTP it may say 1970 or the
 * last shutdown time, and a bad GPS week rollover can throw it years ahead. History is ordered by
 * time, so such a reading must not land a record in the past decade or the future.
 */
export interface ClockPolicy {
  /** Readings ahead of the dashboard's clock by more than this are not believed. Default 5 min. */
  maxAheadMs: number;
  /** Readings before this instant are not believed (no Pi of this project ran before). Default 2020-01-01. */
  earliest: number;
}

export const DEFAULT_CLOCK_POLICY: ClockPolicy = {
  maxAheadMs: 5 * 60_000,
  earliest: Date.UTC(2020, 0, 1),
};

/**
 * The time to file a record under: the unit's own when believable, else the arrival time (the record
 * happened no later than that). A replayed record is legitimately old, so only the bounds apply.
 */
export function trustedTime(unitTs: number, receivedAt: number, policy: ClockPolicy = DEFAULT_CLOCK_POLICY): number {
  if (unitTs > receivedAt + policy.maxAheadMs || unitTs < policy.earliest) return receivedAt;
  return unitTs;
}
