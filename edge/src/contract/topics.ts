/**
 * MQTT topic layout, version 1. A unit only ever touches `triporteur/v1/<unitId>/…`;
 * the broker ACL enforces it. Documented in docs/mqtt-contract.md.
 */
export const TOPIC_ROOT = 'triporteur/v1';

/** Unit ids are lower-case slugs so they are safe in topics, file names and URLs. */
export const UNIT_ID_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';
const unitIdRe = new RegExp(UNIT_ID_PATTERN);

export function isValidUnitId(id: string): boolean {
  return unitIdRe.test(id);
}

export type UnitChannel = 'state' | 'birth' | 'telemetry' | 'events';

export function unitTopic(unitId: string, channel: UnitChannel): string {
  return `${TOPIC_ROOT}/${unitId}/${channel}`;
}

/** Subscription filters the fleet side uses. */
export const FLEET_FILTERS: Record<UnitChannel, string> = {
  state: `${TOPIC_ROOT}/+/state`,
  birth: `${TOPIC_ROOT}/+/birth`,
  telemetry: `${TOPIC_ROOT}/+/telemetry`,
  events: `${TOPIC_ROOT}/+/events`,
};

/** Splits a topic into unit id and channel; undefined if it is not one of ours. */
export function parseUnitTopic(topic: string): { unitId: string; channel: UnitChannel } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  const unitId = parts[2] ?? '';
  const channel = parts[3];
  if (!isValidUnitId(unitId)) return undefined;
  if (channel !== 'state' && channel !== 'birth' && channel !== 'telemetry' && channel !== 'events') return undefined;
  return { unitId, channel };
}

/** True when `topic` lies inside the unit's own subtree (used by the broker ACL). */
export function isInUnitSubtree(unitId: string, topic: string): boolean {
  return topic.startsWith(`${TOPIC_ROOT}/${unitId}/`) && !topic.includes('+') && !topic.includes('#');
}
