import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EdgeError, EdgeErrorCode } from '../../errors.js';

/** The languages with a catalog in ./locales; the picker shows them in the configured order. */
export const PORTAL_LANGUAGES = ['fr', 'ar', 'en', 'es', 'pt', 'tr'] as const;
export type PortalLanguage = (typeof PORTAL_LANGUAGES)[number];

/**
 * A DNS name, never an IP literal (RFC 8910: option 114 must not carry one, and the HTTPS API's certificate
 * is issued for a name). `.local` is refused too: Apple devices resolve it by mDNS only, so the redirect
 * and the API would never reach dnsmasq's answer.
 */
export const PORTAL_HOSTNAME_PATTERN =
  '^(?=.{1,253}$)(?!.*\\.local$)(?![0-9.]+$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$';

const port = (value: number, description: string) =>
  Type.Integer({ default: value, minimum: 0, maximum: 65_535, description });

const PublicServiceSchema = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 80 }),
    url: Type.String({ pattern: '^https?://[^\\s<>"]+$', maxLength: 300 }),
  },
  { additionalProperties: false },
);

/** Links shown on the venue-info page; they open once the resident is online. */
export const DEFAULT_PUBLIC_SERVICES: Static<typeof PublicServiceSchema>[] = [
  { label: 'France Services', url: 'https://www.france-services.gouv.fr/' },
  { label: 'Service-Public.fr', url: 'https://www.service-public.fr/' },
  { label: 'France Travail', url: 'https://www.francetravail.fr/' },
  { label: 'CAF', url: 'https://www.caf.fr/' },
  { label: 'ameli (Assurance Maladie)', url: 'https://www.ameli.fr/' },
];

export const PortalConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address the portal listens on' }),
    // nftables DNATs captive port 80, and ports 80/443 addressed to the Pi, to these (hotspot/system/ruleset.ts),
    // so clients only ever see http://<portalHostname>/ and https://<portalHostname>/. 0: any free port (tests).
    httpPort: port(8080, 'Where the portal listens for plain HTTP'),
    httpsPort: port(8443, 'Where the RFC 8908 API and the pages listen over TLS; only with certFile and keyFile'),
    certFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate valid for portalHostname' })),
    keyFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of certFile' })),
    portalHostname: Type.String({
      pattern: PORTAL_HOSTNAME_PATTERN,
      // 200, with apiPath's 40, keeps the option-114 URL (https://name/path) under RFC 8910's 255 bytes.
      maxLength: 200,
      default: 'portail.home.arpa',
      description: 'The name redirects and option 114 use; dnsmasq resolves it to the portal',
    }),
    apiPath: Type.String({
      pattern: '^/[A-Za-z0-9._~/-]*$',
      maxLength: 40,
      default: '/captive-portal/api',
      description: 'Path of the RFC 8908 API on https://<portalHostname> (the option-114 URL)',
    }),
    // The GDPR notice names the controller: no default could be right, so these two are required.
    venue: Type.Object(
      {
        associationName: Type.String({ minLength: 1, maxLength: 120 }),
        contact: Type.String({ minLength: 1, maxLength: 200, description: 'E-mail or postal address for rights' }),
        address: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        publicServices: Type.Array(PublicServiceSchema, { default: DEFAULT_PUBLIC_SERVICES, maxItems: 12 }),
      },
      { additionalProperties: false },
    ),
    languages: Type.Array(Type.Union(PORTAL_LANGUAGES.map((l) => Type.Literal(l))), {
      default: [...PORTAL_LANGUAGES],
      minItems: 1,
      uniqueItems: true,
      description: 'Picker order; the first is the default',
    }),
    questionnaire: Type.Object(
      { enabled: Type.Boolean({ default: false }) },
      { additionalProperties: false, default: {} },
    ),
    // Shown to residents so a session never ends by surprise; the sessions module enforces them.
    sessionTimeoutS: Type.Integer({ default: 8 * 3600, minimum: 60 }),
    // The same floor as hotspot.sessions.idleTimeoutS (system schema): one rule, not two.
    idleTimeoutS: Type.Integer({ default: 15 * 60, minimum: 10 }),
    // A phone sends a handful of probes and page loads when it joins; far more from one address is a flood.
    rateLimit: Type.Object(
      {
        burst: Type.Integer({ default: 40, minimum: 1 }),
        perSecond: Type.Number({ default: 4, exclusiveMinimum: 0 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type PortalConfig = Static<typeof PortalConfigSchema>;

/** Fills defaults and checks the portal section on its own (the edge config embeds the same schema). */
export function validatePortalConfig(input: unknown): Readonly<PortalConfig> {
  const withDefaults = Value.Default(PortalConfigSchema, Value.Clone(input));
  const first = Value.Errors(PortalConfigSchema, withDefaults).First();
  if (first) {
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `portal config "${first.path || '/'}": ${first.message}`);
  }
  const config = withDefaults as PortalConfig;
  if ((config.certFile === undefined) !== (config.keyFile === undefined)) {
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, 'portal config: certFile and keyFile go together');
  }
  return Object.freeze(config);
}
