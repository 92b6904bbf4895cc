import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { MAX_PAYLOAD_BYTES, type ParseResult } from './parse.js';
import { isValidUnitId, TOPIC_ROOT, unitTopic } from './topics.js';

/**
 * Commands (technician → unit) and the unit's birth message, version 1. Request/response as in
 * zigbee2mqtt: the request goes to `cmd/<name>`, the answer to `reply/<name>`. MQTT 3.1.1 has no
 * correlation-data property (aedes speaks nothing newer), so the correlation id travels in the payload.
 */

export const COMMAND_NAMES = [
  'get-status',
  'run-diagnostics',
  'capture-start',
  'capture-stop',
  'config-get',
  'config-set',
  'restart-subsystem',
  'location-pause',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** Requests bigger than this are answered EDG_CMD_TOO_LARGE without being read. */
export const MAX_COMMAND_BYTES = 16 * 1024;

/**
 * How long the unit lets each command run before answering EDG_CMD_TIMEOUT. A requester should
 * wait a little longer than this (the reply still has to cross the 4G link).
 */
export const COMMAND_TIMEOUTS_MS: Readonly<Record<CommandName, number>> = {
  'get-status': 5_000,
  'run-diagnostics': 60_000,
  'capture-start': 10_000,
  'capture-stop': 10_000,
  'config-get': 5_000,
  'config-set': 10_000,
  'restart-subsystem': 30_000,
  'location-pause': 5_000,
};

export const SUBSYSTEMS = ['bms', 'uplink'] as const;
export type Subsystem = (typeof SUBSYSTEMS)[number];

export function cmdTopic(unitId: string, name: string): string {
  return `${TOPIC_ROOT}/${unitId}/cmd/${name}`;
}

export function replyTopic(unitId: string, name: string): string {
  return `${TOPIC_ROOT}/${unitId}/reply/${name}`;
}

export function birthTopic(unitId: string): string {
  return unitTopic(unitId, 'birth');
}

/** What a unit subscribes to: its own commands and nothing else (the broker ACL allows no more). */
export function cmdFilter(unitId: string): string {
  return `${TOPIC_ROOT}/${unitId}/cmd/+`;
}

/** What the fleet side subscribes to for answers. */
export const FLEET_REPLY_FILTER = `${TOPIC_ROOT}/+/reply/+`;

/** Splits a cmd or reply topic; undefined if it is neither. The name is not checked against COMMAND_NAMES. */
export function parseCommandTopic(topic: string): { unitId: string; kind: 'cmd' | 'reply'; name: string } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  const [, , unitId = '', kind, name = ''] = parts;
  if (!isValidUnitId(unitId) || name === '' || (kind !== 'cmd' && kind !== 'reply')) return undefined;
  return { unitId, kind, name };
}

const CommandIdSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Correlation id chosen by the requester',
});

export const CommandRequestSchema = Type.Object(
  {
    v: Type.Literal(1),
    id: CommandIdSchema,
    args: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Checked per command' })),
  },
  { additionalProperties: false },
);

const NoArgs = Type.Object({}, { additionalProperties: false });
/** Dotted path into the edge config file, e.g. "mqtt.keepaliveS" or the section "bms". */
const ConfigKeySchema = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]*(\\.[a-zA-Z][a-zA-Z0-9]*)*$', maxLength: 100 });
const SubsystemSchema = Type.Union(SUBSYSTEMS.map((s) => Type.Literal(s)));

export const CommandArgsSchemas = {
  'get-status': NoArgs,
  'run-diagnostics': NoArgs,
  'capture-start': Type.Object(
    {
      port: Type.String({ minLength: 1, maxLength: 200, description: 'Serial port to record, e.g. the BMS port' }),
      seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600, description: 'Stop by itself after this' })),
    },
    { additionalProperties: false },
  ),
  'capture-stop': NoArgs,
  'config-get': Type.Object({ key: ConfigKeySchema }, { additionalProperties: false }),
  'config-set': Type.Object(
    { key: ConfigKeySchema, value: Type.Unknown({ description: 'Checked against the edge config schema' }) },
    { additionalProperties: false },
  ),
  'restart-subsystem': Type.Object({ name: SubsystemSchema }, { additionalProperties: false }),
  'location-pause': Type.Object(
    { paused: Type.Boolean({ description: 'true: stop sending positions; false: resume (inside working hours)' }) },
    { additionalProperties: false },
  ),
} satisfies Record<CommandName, TSchema>;

const Count = Type.Integer({ minimum: 0 });
const CaptureResultSchema = Type.Object(
  { file: Type.String({ minLength: 1, maxLength: 255, description: 'Capture file name on the unit' }), bytes: Count },
  { additionalProperties: false },
);

export const CommandResultSchemas = {
  // Open on purpose: the status grows with the features; these fields are always there.
  'get-status': Type.Object(
    {
      unitId: Type.String(),
      bootId: Type.String(),
      bms: Type.String({ description: 'BMS link state' }),
      uplink: Type.String({ description: 'MQTT session state' }),
      pendingRecords: Count,
      publishedRecords: Count,
    },
    { additionalProperties: true },
  ),
  'run-diagnostics': Type.Object(
    {
      ok: Type.Boolean({ description: 'True when no check failed (warnings allowed)' }),
      checks: Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 64, description: "The doctor check's id" }),
            ok: Type.Boolean({ description: 'False for a failed check only' }),
            detail: Type.Optional(Type.String({ maxLength: 1000 })),
            // Added with doctor (docs/doctor.md); older units send name/ok/detail only.
            status: Type.Optional(
              Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')], {
                description: 'pass, warn or fail',
              }),
            ),
            code: Type.Optional(
              Type.String({
                pattern: '^DOC_[A-Z0-9_]+$',
                maxLength: 64,
                description: 'hardware/TROUBLESHOOTING.md row',
              }),
            ),
            title: Type.Optional(Type.String({ maxLength: 200, description: 'What the check looks at, French' })),
            fix: Type.Optional(Type.String({ maxLength: 1000, description: 'What to do, French; warn and fail only' })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    },
    { additionalProperties: false },
  ),
  'capture-start': CaptureResultSchema,
  'capture-stop': CaptureResultSchema,
  'config-get': Type.Object(
    { key: ConfigKeySchema, value: Type.Unknown({ description: 'null when unset; secrets read "[redacted]"' }) },
    { additionalProperties: false },
  ),
  'config-set': Type.Object(
    {
      key: ConfigKeySchema,
      applied: Type.Boolean({ description: 'The running service uses the new value now' }),
      restartRequired: Type.Boolean(),
      restart: Type.Optional(SubsystemSchema),
    },
    { additionalProperties: false },
  ),
  'restart-subsystem': Type.Object(
    {
      name: SubsystemSchema,
      deferred: Type.Boolean({ description: 'True for uplink: it restarts after this reply is acknowledged' }),
    },
    { additionalProperties: false },
  ),
  'location-pause': Type.Object(
    {
      paused: Type.Boolean({ description: 'Positions are withheld now (manual pause, or outside working hours)' }),
      manual: Type.Boolean({ description: 'The mediator’s pause, by button or dashboard; survives a reboot' }),
      by: Type.Union([Type.Literal('button'), Type.Literal('dashboard'), Type.Null()]),
      changedAt: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Unit clock, ms' }),
      outsideHours: Type.Boolean({ description: 'Outside the configured working hours' }),
    },
    { additionalProperties: false },
  ),
} satisfies Record<CommandName, TSchema>;

export const CommandErrorSchema = Type.Object(
  {
    code: Type.String({ pattern: '^EDG_[A-Z0-9_]+$', description: 'Stable error code, e.g. EDG_CMD_UNKNOWN' }),
    message: Type.String({ maxLength: 1000 }),
  },
  { additionalProperties: false },
);

export const CommandReplySchema = Type.Union([
  Type.Object(
    { v: Type.Literal(1), id: CommandIdSchema, ok: Type.Literal(true), result: Type.Unknown() },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      v: Type.Literal(1),
      id: Type.Union([CommandIdSchema, Type.Null()], { description: 'null when the request id was unreadable' }),
      ok: Type.Literal(false),
      error: CommandErrorSchema,
    },
    { additionalProperties: false },
  ),
]);

const Version = Type.String({ minLength: 1, maxLength: 64 });
export const BirthPayloadSchema = Type.Object(
  {
    v: Type.Literal(1),
    bootId: Type.String({ minLength: 8, maxLength: 64 }),
    software: Type.Object({ edge: Version }, { additionalProperties: false }),
    firmware: Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z0-9-]{0,31}$' }), Version, {
      maxProperties: 16,
      additionalProperties: false,
      description: 'Device firmware versions as far as known, e.g. {"bms": "…"}',
    }),
    bmsModel: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'BMS hardware string' })),
    configHash: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'sha256 of the canonical config, no secrets' }),
    ts: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export type CommandRequest = Static<typeof CommandRequestSchema>;
export type CommandArgs<N extends CommandName> = Static<(typeof CommandArgsSchemas)[N]>;
export type CommandResult<N extends CommandName> = Static<(typeof CommandResultSchemas)[N]>;
export type CommandError = Static<typeof CommandErrorSchema>;
export type CommandReply = Static<typeof CommandReplySchema>;
export type BirthPayload = Static<typeof BirthPayloadSchema>;

function checker<T>(schema: TSchema, maxBytes: number) {
  const check = TypeCompiler.Compile(schema);
  return (payload: Uint8Array | string): ParseResult<T> => {
    // A string's UTF-8 size is at least its length, so only short strings need encoding to measure.
    const size =
      typeof payload !== 'string'
        ? payload.byteLength
        : payload.length > maxBytes
          ? payload.length
          : new TextEncoder().encode(payload).byteLength;
    if (size > maxBytes) return { ok: false, reason: 'too-large', detail: `${size} bytes` };
    let json: unknown;
    try {
      json = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
    } catch (err) {
      return { ok: false, reason: 'not-json', detail: (err as Error).message };
    }
    if (check.Check(json)) return { ok: true, value: json as T };
    const first = check.Errors(json).First();
    return { ok: false, reason: 'schema', detail: first ? `${first.path || '/'}: ${first.message}` : 'schema' };
  };
}

export const parseCommandRequest = checker<CommandRequest>(CommandRequestSchema, MAX_COMMAND_BYTES);
/** Replies are bounded by the general payload limit: a diagnostics report can outgrow a request. */
export const parseCommandReply = checker<CommandReply>(CommandReplySchema, MAX_PAYLOAD_BYTES);
export const parseBirth = checker<BirthPayload>(BirthPayloadSchema, MAX_COMMAND_BYTES);
