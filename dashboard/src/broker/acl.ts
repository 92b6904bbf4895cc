import { FLEET_FILTERS, replyTopic, TOPIC_ROOT, type UnitChannel, unitTopic } from '@triporteur/edge/contract';

export const UNIT_CHANNELS = Object.keys(FLEET_FILTERS) as UnitChannel[];

/**
 * Who may do what on the embedded broker. Pure functions, so the rules are tested without a socket.
 * A unit lives in `triporteur/v1/<id>/…` and listens only to its own `cmd/…`; the ingest account
 * reads the whole fleet tree and may write commands to configured units.
 */
export type Principal = { kind: 'unit'; unitId: string } | { kind: 'ingest'; username: string };

const cmdPrefix = (unitId: string) => `${TOPIC_ROOT}/${unitId}/cmd/`;

/**
 * What a unit may publish: its own channels and the replies to its commands; the embedded broker and the
 * generated Mosquitto ACL both take it from here. Commands flow towards the unit only: a unit writing its
 * own cmd/ would look like a technician.
 */
export function unitWriteTopics(unitId: string): string[] {
  return [...UNIT_CHANNELS.map((channel) => unitTopic(unitId, channel)), replyTopic(unitId, '+')];
}

/** MQTT matching for the filters above: `+` is exactly one non-empty level. */
function matches(filter: string, topic: string): boolean {
  const want = filter.split('/');
  const have = topic.split('/');
  return want.length === have.length && want.every((level, i) => (level === '+' ? have[i] !== '' : level === have[i]));
}

export function canPublish(principal: Principal, topic: string, unitIds: ReadonlySet<string>): boolean {
  if (topic.includes('+') || topic.includes('#')) return false;
  if (principal.kind === 'unit') return unitWriteTopics(principal.unitId).some((filter) => matches(filter, topic));
  const parts = topic.split('/');
  const unitId = parts[2] ?? '';
  return (
    topic.startsWith(`${TOPIC_ROOT}/`) &&
    unitIds.has(unitId) &&
    topic.startsWith(cmdPrefix(unitId)) &&
    parts.length >= 5 &&
    parts.slice(4).every((level) => level !== '')
  );
}

/** `$share/<group>/<filter>` is how several dashboard processes split one subscription. */
function withoutSharePrefix(filter: string): string | undefined {
  if (!filter.startsWith('$share/')) return filter;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const group = rest.slice(0, slash);
  return /[+#]/.test(group) ? undefined : rest.slice(slash + 1);
}

export function canSubscribe(principal: Principal, filter: string): boolean {
  if (principal.kind === 'unit') {
    const prefix = cmdPrefix(principal.unitId);
    return filter.startsWith(prefix) && filter.length > prefix.length;
  }
  const inner = withoutSharePrefix(filter);
  if (inner === undefined) return false;
  return inner.startsWith(`${TOPIC_ROOT}/`) && inner.length > TOPIC_ROOT.length + 1;
}

/**
 * The account a client id belongs to: the longest account name equal to it or followed by one of
 * `-`, `:`, `.`, `_` (the edge uses `<unitId>-edge`). Without this a unit could pick another unit's
 * client id and, by MQTT's takeover rule, knock it off the broker.
 */
export function clientIdOwner(clientId: string, accountNames: readonly string[]): string | undefined {
  let owner: string | undefined;
  for (const name of accountNames) {
    const matches = clientId === name || (clientId.startsWith(name) && '-:._'.includes(clientId.charAt(name.length)));
    if (matches && name.length > (owner?.length ?? -1)) owner = name;
  }
  return owner;
}
