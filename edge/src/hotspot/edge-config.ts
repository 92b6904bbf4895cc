import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { deepFreeze } from '../config/freeze.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import { type HotspotConfig, HotspotConfigSchema } from './config.js';
import { type PortalConfig, PortalConfigSchema, validatePortalConfig } from './portal/config.js';
import { checkHotspotConfig } from './system/config-checks.js';

/**
 * The `hotspot` section of the edge config: the system layer's schema (interfaces, hostname, ports,
 * API path, certificate, timeouts) plus what only the portal's pages need. Hostname, ports and timeouts
 * live once, in the system schema; the portal's own config is derived from them by portalConfigOf.
 */

const portal = PortalConfigSchema.properties;

export const HotspotPagesSchema = Type.Object(
  {
    venue: portal.venue,
    languages: portal.languages,
    questionnaire: portal.questionnaire,
    rateLimit: portal.rateLimit,
  },
  { additionalProperties: false, description: "What the portal's pages show and how hard they may be hit" },
);

export const HotspotSectionSchema = Type.Object(
  { ...HotspotConfigSchema.properties, pages: HotspotPagesSchema },
  { additionalProperties: false },
);

export type HotspotSection = Static<typeof HotspotSectionSchema>;

/** The section without its pages: what the system layer renders and the session layer reads. */
export function hotspotConfigOf(section: HotspotSection): HotspotConfig {
  const { pages: _pages, ...config } = section;
  return config;
}

/** Where each portal field comes from in the section, for error messages that name the field to fix. */
const SOURCE_OF: Record<string, string> = {
  host: 'residents/address',
  httpPort: 'portal/httpPort',
  httpsPort: 'portal/httpsPort',
  certFile: 'portal/tls/certFile',
  keyFile: 'portal/tls/keyFile',
  portalHostname: 'portal/hostname',
  apiPath: 'portal/apiPath',
  sessionTimeoutS: 'sessions/sessionTimeoutS',
  idleTimeoutS: 'sessions/idleTimeoutS',
};

/**
 * The portal's config from the section. It listens on the residents' Pi address only, so it is never
 * reachable from the uplink. Fails with EDG_CONFIG_INVALID naming the section's field when the portal
 * is stricter than the system layer (a `.local` hostname, an idle timeout under a minute…).
 */
export function portalConfigOf(section: HotspotSection, field = 'hotspot'): Readonly<PortalConfig> {
  const { tls } = section.portal;
  const input = {
    host: section.residents.address,
    httpPort: section.portal.httpPort,
    httpsPort: section.portal.httpsPort,
    ...(tls ? { certFile: tls.certFile, keyFile: tls.keyFile } : {}),
    portalHostname: section.portal.hostname,
    apiPath: section.portal.apiPath,
    venue: section.pages.venue,
    languages: section.pages.languages,
    questionnaire: section.pages.questionnaire,
    rateLimit: section.pages.rateLimit,
    sessionTimeoutS: section.sessions.sessionTimeoutS,
    idleTimeoutS: section.sessions.idleTimeoutS,
  };
  const withDefaults = Value.Default(PortalConfigSchema, Value.Clone(input));
  const first = Value.Errors(PortalConfigSchema, withDefaults).First();
  if (first) {
    const [top = '', ...rest] = first.path.split('/').slice(1);
    const path = SOURCE_OF[top] ?? ['pages', top, ...rest].join('/');
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}/${path}": ${first.message}`);
  }
  return validatePortalConfig(withDefaults);
}

/** The checks that span fields, for the system layer and the portal alike; call after schema validation. */
export function checkHotspotSection(section: HotspotSection, field = 'hotspot'): void {
  checkHotspotConfig(hotspotConfigOf(section), field);
  portalConfigOf(section, field);
}

/** Fills defaults, validates, cross-checks and deep-freezes a section on its own (tests, tools). */
export function validateHotspotSection(input: unknown, field = 'hotspot'): Readonly<HotspotSection> {
  const withDefaults = Value.Default(HotspotSectionSchema, Value.Clone(input ?? {}));
  const first = Value.Errors(HotspotSectionSchema, withDefaults).First();
  if (first) {
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}${first.path}": ${first.message}`);
  }
  const section = withDefaults as HotspotSection;
  checkHotspotSection(section, field);
  return deepFreeze(section);
}
