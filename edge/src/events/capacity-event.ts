import type { CapacityChange } from '../hotspot/sessions/full-episode.js';
import type { RaisedEvent } from './unit-events.js';

/** The hotspot's ceiling as a `portal-full` event: counts only, never who was turned away. */
export function capacityEvent(change: CapacityChange): RaisedEvent {
  if (change.full)
    return { kind: 'portal-full', active: true, severity: 'warning', data: { capacity: change.capacity } };
  return {
    kind: 'portal-full',
    active: false,
    severity: 'warning',
    data: { capacity: change.capacity, refused: change.refused, fullS: Math.round(change.durationMs / 1000) },
  };
}
