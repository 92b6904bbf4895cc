export { capacityEvent } from './capacity-event.js';
export {
  type EventData,
  type EventSeverity,
  type RaisedEvent,
  UnitEvents,
  type UnitEventsOptions,
} from './unit-events.js';
export { type ModemView, type UplinkDownCause, UplinkWatch } from './uplink-watch.js';
