import { readFile } from 'node:fs/promises';
import { KindGuard } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import { checkHotspotSection } from '../hotspot/edge-config.js';
import { validateLegalLogSection } from '../legal-log/config.js';
import { checkDepotSection } from '../wifi/config.js';
import { deepFreeze } from './freeze.js';
import { type EdgeConfig, EdgeConfigSchema } from './schema.js';

/**
 * Validates a parsed config object: fills defaults, then reports the first bad field by its path
 * (e.g. "bms/baudRate: Expected integer"). The result is deep-frozen: nothing may change it at run time.
 */
export function validateEdgeConfig(input: unknown): Readonly<EdgeConfig> {
  const withDefaults = Value.Default(EdgeConfigSchema, Value.Clone(input));
  const errors = [...Value.Errors(EdgeConfigSchema, withDefaults)].map(throughUnion);
  if (errors.length > 0) {
    // TypeBox reports a union's branches too; the most specific path is the most useful to a person.
    const first = errors.reduce((a, b) => (b.path.length > a.path.length ? b : a));
    const field = first.path.replace(/^\//, '') || '(root)';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}": ${first.message}${more}`);
  }
  const config = withDefaults as EdgeConfig;
  // Cross-field rules (addresses inside their subnets, option-114 URL length…) that a schema cannot say.
  if (config.hotspot) checkHotspotSection(config.hotspot);
  // The key's checksum and the time zone: a bad key must stop the start, not the hotspot hours later.
  if (config.legalLog) validateLegalLogSection(config.legalLog);
  // An SSID over 32 bytes, or a shared radio the hotspot has put in a bridge.
  if (config.depot) checkDepotSection(config.depot, config.hotspot);
  return deepFreeze(config);
}

/**
 * The device sections are unions keyed by `type` (jbd | daly, vesc | kt | bafang…), for which TypeBox
 * only says "Expected union value". When `type` names a branch, report that branch's own first error,
 * e.g. "bms/baudRate: Expected integer", as a person would want.
 */
function throughUnion(error: ValueError): ValueError {
  const { schema, value } = error;
  if (!KindGuard.IsUnion(schema) || typeof value !== 'object' || value === null) return error;
  const type = (value as { type?: unknown }).type;
  const branch = schema.anyOf.find(
    (s) => KindGuard.IsObject(s) && KindGuard.IsLiteral(s.properties.type) && s.properties.type.const === type,
  );
  // Defaults were not filled in a union no branch matched: fill the chosen one's, so only real faults remain.
  const inner = branch ? Value.Errors(branch, Value.Default(branch, Value.Clone(value))).First() : undefined;
  return inner ? { ...inner, path: `${error.path}${inner.path}` } : error;
}

export async function loadEdgeConfig(path: string): Promise<Readonly<EdgeConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new EdgeError(EdgeErrorCode.CONFIG_READ, `cannot read config file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new EdgeError(EdgeErrorCode.CONFIG_JSON, `config file ${path} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return validateEdgeConfig(parsed);
}
