import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { UNIT_ID_PATTERN } from '@triporteur/edge/contract';
import { AlertsConfigSchema, alertsConfigProblems } from './alerts/config.js';
import { SECRET_HASH_PATTERN } from './auth/secrets.js';
import { DashboardError, DashboardErrorCode } from './errors.js';
import { FleetConfigSchema } from './fleet/config.js';
import type { StoreLocation } from './store/open.js';

/**
 * The dashboard config file, version 1. This schema is the single source of the type,
 * the defaults and the validation.
 */
export const DASHBOARD_CONFIG_VERSION = 1;

const Host = (fallback: string) =>
  Type.String({ minLength: 1, maxLength: 253, default: fallback, description: 'Interface to listen on' });
const Port = (fallback: number) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: fallback, description: '0 picks a free port' });
const SecretHash = Type.String({
  pattern: SECRET_HASH_PATTERN,
  description: 'Output of `triporteur-dashboard hash-secret`',
});

export const HttpConfigSchema = Type.Object(
  {
    host: Host('127.0.0.1'),
    port: Port(8080),
    cookieSecure: Type.Boolean({
      default: true,
      description: 'Secure session cookies (behind HTTPS). false only for http://127.0.0.1 on the same machine',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** What the web page needs to know that is not fleet data. */
export const UiConfigSchema = Type.Object(
  {
    /**
     * Map tiles, Leaflet's template (`https://tiles.example.org/{z}/{x}/{y}.png`), or a path on this server.
     * Absent: no tiles, the markers on a plain background (the map stays usable offline and with no provider).
     */
    tileUrl: Type.Optional(Type.String({ pattern: '^(https://[^\\s"\'<>]+|/[^\\s"\'<>]*)$', maxLength: 500 })),
    /** Credit the tile provider asks for, shown on the map. */
    tileAttribution: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false, default: {} },
);

export const EmbeddedBrokerSchema = Type.Object(
  { mode: Type.Literal('embedded'), host: Host('127.0.0.1'), port: Port(1883) },
  { additionalProperties: false },
);

export const ExternalBrokerSchema = Type.Object(
  {
    mode: Type.Literal('external'),
    url: Type.String({ pattern: '^mqtts?://[^\\s]+$', description: 'e.g. mqtt://mosquitto.lan:1883' }),
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 512 }),
    /** PEM CA bundle that signed the broker's certificate, for mqtts:// to a private CA. */
    caFile: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const StoreConfigSchema = Type.Object(
  {
    engine: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], {
      default: 'sqlite',
      description: 'sqlite on one machine; postgres when several dashboard processes share the fleet',
    }),
    /** SQLite file (engine sqlite), relative to the config file. */
    path: Type.Optional(Type.String({ minLength: 1 })),
    /** postgres://user:password@host:port/database (engine postgres). */
    url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://[^\\s]+$' })),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const Days = (fallback: number, description: string) =>
  Type.Integer({ minimum: 1, maximum: 36_500, default: fallback, description });

/** How long each class of data is kept (retention.ts purges past it). */
export const RetentionConfigSchema = Type.Object(
  {
    rawDays: Days(180, 'Telemetry records, battery history and unit events'),
    positionDays: Days(61, 'Positions: two months, the rule for geolocating staff'),
    aggregateDays: Days(1830, 'Outings, stops, alerts and reports: five years'),
  },
  { additionalProperties: false, default: {} },
);

export const UnitConfigSchema = Type.Object(
  {
    id: Type.String({ pattern: UNIT_ID_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    secretHash: SecretHash,
  },
  { additionalProperties: false },
);

/**
 * The fleet model's settings (fleet/config.ts) and what the pages compare the fleet against. Every field
 * is optional, so `{}` is still a complete section.
 */
export const FleetSectionSchema = Type.Object(
  {
    ...FleetConfigSchema.properties,
    /** Mobile data each unit's plan allows per month, both ways; the unit page shows use against it. */
    dataBudgetBytesPerMonth: Type.Optional(
      Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Bytes per unit per month' }),
    ),
  },
  { additionalProperties: false, default: {} },
);

export const DashboardConfigSchema = Type.Object(
  {
    configVersion: Type.Literal(DASHBOARD_CONFIG_VERSION),
    http: HttpConfigSchema,
    ui: UiConfigSchema,
    broker: Type.Union([EmbeddedBrokerSchema, ExternalBrokerSchema], { default: { mode: 'embedded' } }),
    store: StoreConfigSchema,
    retention: RetentionConfigSchema,
    fleet: FleetSectionSchema,
    alerts: AlertsConfigSchema,
    units: Type.Array(UnitConfigSchema, { maxItems: 10_000 }),
    // The dashboard's service account on the embedded broker, for other processes (a second ingest,
    // a technician tool). The in-process ingest logs in with a per-process secret instead.
    ingest: Type.Optional(
      Type.Object(
        {
          username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
          secretHash: Type.Optional(SecretHash),
          /**
           * Subscribe through `$share/<group>/…` (external broker): every dashboard process with the same
           * group gets its share of the fleet's messages, each message going to one of them.
           */
          shareGroup: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })),
          /** This process's name among several on one broker: it ends the MQTT client ids (`…:ingest:<instance>`). */
          instance: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type DashboardConfig = Static<typeof DashboardConfigSchema>;
export type StoreConfig = Static<typeof StoreConfigSchema>;
export type UiConfig = Static<typeof UiConfigSchema>;
export type RetentionConfig = Static<typeof RetentionConfigSchema>;

/** Where the configured store lives, as openStore takes it (validated: the engine's field is there). */
export function storeLocation(store: StoreConfig): StoreLocation {
  if (store.engine === 'postgres') {
    return {
      engine: 'postgres',
      url: store.url ?? '',
      ...(store.maxConnections === undefined ? {} : { maxConnections: store.maxConnections }),
    };
  }
  return { engine: 'sqlite', path: store.path ?? '' };
}
export type UnitConfig = Static<typeof UnitConfigSchema>;
export type EmbeddedBrokerConfig = Static<typeof EmbeddedBrokerSchema>;
export type ExternalBrokerConfig = Static<typeof ExternalBrokerSchema>;

/** Account name of the in-process ingest when the config names none. */
export const DEFAULT_INGEST_USERNAME = 'dashboard-ingest';

function invalid(field: string, message: string): DashboardError {
  return new DashboardError(DashboardErrorCode.CONFIG_INVALID, `${field}: ${message}`);
}

/** Pattern errors quote a regular expression; say in words what the field wants instead. */
const PATTERN_HINTS: Record<string, string> = {
  id: 'expected a lower-case slug: a-z, 0-9 and "-", 2 to 63 characters, e.g. "tri-lyon-01"',
  secretHash: 'expected a hash printed by `triporteur-dashboard hash-secret` (scrypt$…$…), never the secret itself',
  username: 'expected letters, digits, ".", "_" or "-", up to 64 characters',
  tileUrl:
    'expected an https:// tile template such as https://tiles.example.org/{z}/{x}/{y}.png, or a path on this server',
  url: 'expected mqtt://host:port or mqtts://host:port (broker), postgres://user@host:port/db (store)',
};

function friendly(error: { path: string; message: string }): string {
  if (!error.message.startsWith('Expected string to match')) return error.message;
  return PATTERN_HINTS[error.path.split('/').pop() ?? ''] ?? error.message;
}

/** First error under `schema`, with its path; for the broker union, the errors of the branch `mode` names. */
function firstError(schema: TSchema, value: unknown, prefix = ''): { path: string; message: string } | undefined {
  const first = Value.Errors(schema, value).First();
  if (!first) return undefined;
  const broker = (value as { broker?: { mode?: unknown } } | undefined)?.broker;
  if (prefix === '' && first.path === '/broker' && broker && typeof broker === 'object') {
    if (broker.mode === 'embedded') return firstError(EmbeddedBrokerSchema, broker, '/broker');
    if (broker.mode === 'external') return firstError(ExternalBrokerSchema, broker, '/broker');
    return { path: '/broker/mode', message: "Expected 'embedded' or 'external'" };
  }
  return { path: `${prefix}${first.path}`, message: first.message };
}

/**
 * Validates a parsed config object: checks the version, fills defaults, then reports the first bad
 * field by its path (e.g. "units/0/id: Expected string to match …"). The result is deep-frozen.
 */
export function validateDashboardConfig(input: unknown): Readonly<DashboardConfig> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw invalid('(root)', 'expected a JSON object');
  const version = (input as { configVersion?: unknown }).configVersion;
  if (version !== DASHBOARD_CONFIG_VERSION) {
    throw new DashboardError(
      DashboardErrorCode.CONFIG_VERSION,
      `configVersion: this dashboard reads version ${DASHBOARD_CONFIG_VERSION}, the file says ${JSON.stringify(version ?? null)}`,
    );
  }
  const withDefaults = Value.Default(DashboardConfigSchema, Value.Clone(input)) as { broker?: unknown };
  // TypeBox fills a union's defaults only when the value already matches a branch; a bad embedded
  // broker must still get its defaults, or the error would point at a field the user may omit.
  const broker = withDefaults.broker as { mode?: unknown } | undefined;
  if (broker && typeof broker === 'object' && broker.mode === 'embedded') Value.Default(EmbeddedBrokerSchema, broker);
  const error = firstError(DashboardConfigSchema, withDefaults);
  if (error) throw invalid(error.path.replace(/^\//, '') || '(root)', friendly(error));
  const config = withDefaults as DashboardConfig;

  const seen = new Set<string>();
  config.units.forEach((unit, i) => {
    if (seen.has(unit.id)) throw invalid(`units/${i}/id`, `duplicate unit id "${unit.id}"`);
    seen.add(unit.id);
  });
  if (config.store.engine === 'sqlite' && config.store.path === undefined) {
    throw invalid('store/path', 'the sqlite engine needs the path of its database file');
  }
  if (config.store.engine === 'postgres' && config.store.url === undefined) {
    throw invalid('store/url', 'the postgres engine needs a postgres:// URL');
  }
  const problem = alertsConfigProblems(config.alerts)[0];
  if (problem) throw invalid(`alerts/${problem.path}`, problem.message);
  const ingestUser = config.ingest?.username ?? DEFAULT_INGEST_USERNAME;
  if (seen.has(ingestUser)) {
    throw invalid('ingest/username', `"${ingestUser}" is also a unit id; broker accounts must be distinct`);
  }
  return deepFreeze(config);
}

/** Reads and validates a config file. A relative `store.path` or `fleet.zonesFile` is taken relative to the file. */
export async function loadDashboardConfig(path: string): Promise<Readonly<DashboardConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DashboardError(
      DashboardErrorCode.CONFIG_READ,
      `cannot read config file ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DashboardError(
      DashboardErrorCode.CONFIG_JSON,
      `config file ${path} is not valid JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const store = (parsed as { store?: { path?: unknown } } | null)?.store;
  if (store && typeof store.path === 'string' && store.path !== '' && !isAbsolute(store.path)) {
    store.path = resolve(dirname(resolve(path)), store.path);
  }
  const fleet = (parsed as { fleet?: { zonesFile?: unknown } } | null)?.fleet;
  if (fleet && typeof fleet.zonesFile === 'string' && fleet.zonesFile !== '' && !isAbsolute(fleet.zonesFile)) {
    fleet.zonesFile = resolve(dirname(resolve(path)), fleet.zonesFile);
  }
  return validateDashboardConfig(parsed);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
