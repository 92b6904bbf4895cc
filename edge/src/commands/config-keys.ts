import { KindGuard, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EdgeConfigSchema } from '../config/schema.js';
import type { Subsystem } from '../contract/commands.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';

/**
 * What the config commands may see and change, derived from the one config schema so a new field
 * is reachable without touching this file. Only the secrets and the restart rules are listed here.
 */

/** Never leave the unit: config-get reads them as REDACTED, and the birth hash is taken without them. */
export const SECRET_CONFIG_KEYS: readonly string[] = ['mqtt.password', 'hotspot.staff.passphrase'];
export const REDACTED = '[redacted]';

/** Identity fields: changing them remotely would move the unit out of its own ACL subtree. */
const READ_ONLY_KEYS = new Set(['configVersion', 'unitId']);

/**
 * Which subsystem must restart before a changed key takes effect. The MQTT options are connect()
 * arguments; the BMS port, baud rate, poll interval and timeout are fixed when the JBD driver is built.
 * telemetry.sampleIntervalMs, batchIntervalMs and maxBatch are read at every tick (LIVE_KEYS); the other
 * telemetry keys shape the report-by-exception engine, built once, so they need a service restart.
 */
export function restartFor(key: string): Subsystem | undefined {
  if (key === 'mqtt' || key.startsWith('mqtt.')) return 'uplink';
  if (key === 'bms' || key.startsWith('bms.')) return 'bms';
  // motor, gps, aux and hotspot keys are read when the service starts: restartRequired, no subsystem.
  return undefined;
}

export interface ConfigKeyInfo {
  key: string;
  schema: TSchema;
  /** A section (an object of fields) rather than a single value. */
  section: boolean;
  writable: boolean;
}

/** The schema at a dotted key, or undefined when the config has no such key. */
export function configKeyInfo(key: string): ConfigKeyInfo | undefined {
  let schema: TSchema = EdgeConfigSchema;
  for (const part of key.split('.')) {
    // A device section is a union keyed by `type`; a field is found in the branches that have it.
    // The whole config is validated again before it is written, so the right branch has the last word.
    if (KindGuard.IsOptional(schema) || KindGuard.IsUnion(schema)) schema = branchWith(schema, part) ?? schema;
    if (!KindGuard.IsObject(schema) || !Object.hasOwn(schema.properties, part)) return undefined;
    const next = schema.properties[part];
    if (next === undefined) return undefined;
    schema = next;
  }
  const section = KindGuard.IsObject(schema);
  return { key, schema, section, writable: !section && !READ_ONLY_KEYS.has(key) };
}

function branchWith(schema: TSchema, part: string): TSchema | undefined {
  const branches: TSchema[] = KindGuard.IsUnion(schema) ? schema.anyOf : [schema];
  return branches.find((b) => KindGuard.IsObject(b) && Object.hasOwn(b.properties, part));
}

function invalid(message: string): EdgeError {
  return new EdgeError(EdgeErrorCode.CMD_INVALID, message);
}

/** Throws EDG_CMD_INVALID naming the field unless `value` may be written at `key`. */
export function checkConfigValue(key: string, value: unknown): void {
  const info = configKeyInfo(key);
  if (!info) throw invalid(`unknown config key "${key}"`);
  if (info.section) throw invalid(`config key "${key}" is a section: set its fields one at a time`);
  if (!info.writable) throw invalid(`config key "${key}" is read-only`);
  const first = Value.Errors(info.schema, value).First();
  if (first) throw invalid(`config field "${key}": ${first.message}`);
}

/** Reads a dotted key from a config object; null when unset (JSON has no undefined). */
export function configValueAt(config: unknown, key: string): unknown {
  let node: unknown = config;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return node ?? null;
}

/**
 * A copy of `value` (the config, or the part of it at `key`) with every secret either replaced by
 * REDACTED (for display) or removed (for hashing, so a password change leaves the hash alone).
 */
export function withoutSecrets(value: unknown, key = '', mode: 'redact' | 'remove' = 'redact'): unknown {
  if (SECRET_CONFIG_KEYS.includes(key)) return value === null || mode === 'remove' ? undefined : REDACTED;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item, '', mode));
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(value)) {
    const cleaned = withoutSecrets(child, key === '' ? name : `${key}.${name}`, mode);
    if (cleaned !== undefined) out[name] = cleaned;
  }
  return out;
}
