import type { EdgeConfig } from '@triporteur/edge';
import { ProvisionError, ProvisionErrorCode } from './errors.js';
import { yamlSafeJson } from './yaml.js';

/** What makes one unit itself; everything else comes from the fleet's template. */
export interface UnitIdentity {
  unitId: string;
  mqttUrl: string;
  secret: string;
  recipient: string;
  ssid?: string;
  wifiCountry?: string;
  depotSsid?: string;
}

const objectAt = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * The unit's edge config: the template with the identity laid over it. Only what was given replaces
 * the template's value, and keys keep the template's order, so the same inputs give the same bytes.
 */
export function composeEdgeConfig(template: Readonly<Record<string, unknown>>, identity: UnitIdentity) {
  const hotspot = objectAt(template.hotspot);
  const config: Record<string, unknown> = { configVersion: 1, unitId: identity.unitId };
  Object.assign(config, template, {
    configVersion: 1,
    unitId: identity.unitId,
    mqtt: { ...objectAt(template.mqtt), url: identity.mqttUrl, username: identity.unitId, password: identity.secret },
    // Every unit runs the residents' hotspot: the SSID and the radio's country are part of its identity.
    hotspot: {
      ...hotspot,
      ...(identity.ssid === undefined ? {} : { residents: { ...objectAt(hotspot.residents), ssid: identity.ssid } }),
      ...(identity.wifiCountry === undefined
        ? {}
        : { wifi: { ...objectAt(hotspot.wifi), countryCode: identity.wifiCountry } }),
    },
    legalLog: { ...objectAt(template.legalLog), publicKey: identity.recipient },
  });
  if (identity.depotSsid !== undefined) config.depot = { ...objectAt(template.depot), ssid: identity.depotSsid };
  return config;
}

/** The config file's text: two-space JSON, with what YAML cannot carry raw escaped (it goes into user-data too). */
export function edgeConfigText(config: Readonly<Record<string, unknown>>): string {
  return `${yamlSafeJson(JSON.stringify(config, null, 2))}\n`;
}

/**
 * Runs the edge's own validation (schema, defaults, cross-field rules, the age key's checksum), so a
 * bundle the unit would refuse at start is never written. The edge is loaded only here: it brings
 * serial and hotspot code the dashboard's server has no use for.
 */
export async function validateUnitConfig(config: Readonly<Record<string, unknown>>): Promise<Readonly<EdgeConfig>> {
  const { validateEdgeConfig, isEdgeError } = await import('@triporteur/edge');
  try {
    return validateEdgeConfig(config);
  } catch (err) {
    if (!isEdgeError(err)) throw err;
    const code = err.message.includes('"legalLog/publicKey"')
      ? ProvisionErrorCode.RECIPIENT_INVALID
      : ProvisionErrorCode.EDGE_CONFIG;
    throw new ProvisionError(
      code,
      `the unit's edge config is not valid: ${err.message} (fix the template or the option)`,
      {
        cause: err,
      },
    );
  }
}

/** Reads the secret back from an existing bundle's config, so a rerun keeps the unit's credentials. */
export function secretFromBundle(text: string, unitId: string, path: string): string {
  const bad = (why: string) => new ProvisionError(ProvisionErrorCode.BUNDLE_INVALID, `${path}: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('not valid JSON; restore it from a backup, or rotate the unit with --rotate-secret');
  }
  const config = objectAt(parsed);
  const mqtt = objectAt(config.mqtt);
  if (config.unitId !== unitId || mqtt.username !== unitId) throw bad(`this is not the bundle of "${unitId}"`);
  if (typeof mqtt.password !== 'string' || mqtt.password === '') throw bad('mqtt.password is missing');
  return mqtt.password;
}
