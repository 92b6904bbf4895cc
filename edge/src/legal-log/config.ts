import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import { LocalDay } from '../hotspot/sessions/local-day.js';
import { isLegalLogError } from './errors.js';
import { checkRecipient } from './seal.js';

/**
 * The `legalLog` section of the edge config: the French legal connection log (CPCE L34-1, R10-13 IV).
 * Only the association's PUBLIC key is here; its private key never comes near the unit.
 */
export const LegalLogSectionSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Keep the legal connection log (required by law when residents get Internet access)',
    }),
    directory: Type.String({
      pattern: '^/',
      default: '/var/lib/triporteur/legal-log',
      description: 'Absolute path of the day files (made 0700; files 0600)',
    }),
    publicKey: Type.String({
      pattern: '^age1[02-9ac-hj-np-z]{58}$',
      description: "The association's age public key (age1…), printed by `triporteur-edge legal-log keygen`",
    }),
    retentionDays: Type.Integer({
      minimum: 365,
      maximum: 400,
      default: 365,
      description: 'Days a day file is kept before it is purged: the law says one year, GDPR says no longer',
    }),
    flushIntervalMs: Type.Integer({
      minimum: 100,
      maximum: 10_000,
      // 5 s: a chunk's ~500 bytes of age overhead is shared by 5 s of events, which spares the SD card
      // (about 9 MB a day at most, against 43 MB at 1 s), for at most 5 s of records lost to a power cut.
      default: 5_000,
      description: 'Longest a record waits before it is sealed and synced to disk (what a power cut can lose)',
    }),
    maxBatchRecords: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 1_000,
      description: 'A batch this big is sealed at once without waiting for the interval',
    }),
    timeZone: Type.String({
      minLength: 1,
      default: 'Europe/Paris',
      description: 'Whose local midnight starts a new day file',
    }),
  },
  { additionalProperties: false },
);

export type LegalLogSection = Static<typeof LegalLogSectionSchema>;

/** Fills the defaults, validates, checks the key and the zone, and freezes; EDG_CONFIG_INVALID names the field. */
export function validateLegalLogSection(input: unknown, field = 'legalLog'): Readonly<LegalLogSection> {
  const withDefaults = Value.Default(LegalLogSectionSchema, Value.Clone(input ?? {}));
  const first = Value.Errors(LegalLogSectionSchema, withDefaults).First();
  if (first) {
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}${first.path}": ${first.message}`);
  }
  const section = withDefaults as LegalLogSection;
  try {
    checkRecipient(section.publicKey);
    new LocalDay(section.timeZone);
  } catch (err) {
    const what = isLegalLogError(err) ? 'publicKey' : 'timeZone';
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}/${what}": ${(err as Error).message}`, {
      cause: err,
    });
  }
  return Object.freeze(section);
}
