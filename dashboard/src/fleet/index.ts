/** The fleet model: presence, stops and outings, named zones, and their storage. */
export { type FleetConfig, FleetConfigSchema, fleetConfig, type MotionConfig, motionConfig } from './config.js';
export { FleetError, FleetErrorCode, isFleetError } from './errors.js';
export { FLEET_MIGRATIONS } from './fleet-migrations.js';
export {
  type Derived,
  FleetHistoryStore,
  type FleetReport,
  type StoredOuting,
  type StoredStop,
  type StoredZoneEvent,
} from './fleet-store.js';
export { type FleetEvents, FleetTracker } from './fleet-tracker.js';
export { type MotionOutput, MotionTracker, type Outing, recompute } from './outings.js';
export {
  decidePresence,
  type MqttState,
  type Presence,
  type PresenceDecision,
  type PresenceInput,
  PresenceTracker,
  type PresenceTransition,
} from './presence.js';
export { type FleetSample, sampleFromState } from './sample.js';
export type { Stop } from './stops.js';
export { type ZoneEvent, ZoneTracker } from './zone-tracker.js';
export { loadZones, parseZones, type Zone, zonesAt } from './zones.js';
