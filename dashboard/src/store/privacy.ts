import type { ReconstructedState, TelemetryRecordV2 } from '@triporteur/edge/contract';

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

/**
 * A boot's folded state as it may be kept: while paused, the fold holds no coordinates either (a delta
 * never removes a field, so the last position from before the pause would otherwise stay "current").
 */
export function stateToStore(state: ReconstructedState): ReconstructedState {
  const position = state.position;
  if (position?.values.paused !== true) return state;
  const values: Record<string, unknown> = { ...position.values };
  for (const field of WHERE_FIELDS) delete values[field];
  return { ...state, position: { ...position, values: values as typeof position.values } };
}
