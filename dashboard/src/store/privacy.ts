import type { TelemetryRecordV2 } from '@triporteur/edge/contract';

type PositionUpdate = NonNullable<TelemetryRecordV2['position']>;

/** Where the tricycle is, to the metre: what "pause location" must keep off the dashboard. */
const WHERE_FIELDS = ['lat', 'lon', 'speedKmh', 'courseDeg', 'altitudeM'] as const;

/**
 * The position update as the dashboard may keep it. While the mediators' "pause location" is on (the
 * position says `paused`, or the aux board's switch is on in the same record), nothing of where the
 * tricycle is gets stored, whatever a unit sent: the unit already leaves it out, and this holds even
 * for a unit whose software does not.
 */
export function positionToStore(position: PositionUpdate, auxPaused: boolean): PositionUpdate {
  if (position.paused !== true && !auxPaused) return position;
  const kept: Record<string, unknown> = { ...position, paused: true };
  for (const field of WHERE_FIELDS) delete kept[field];
  return kept as PositionUpdate;
}
