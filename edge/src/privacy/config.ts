import { type Static, Type } from '@sinclair/typebox';

/** Days as `working-hours.ts` reads them from Intl (en-GB short weekday names, lower-cased). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HOUR_MINUTE = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

export const WorkingPeriodSchema = Type.Object(
  {
    days: Type.Array(Type.Union(WEEKDAYS.map((d) => Type.Literal(d))), { minItems: 1, uniqueItems: true }),
    from: Type.String({ pattern: HOUR_MINUTE, description: 'Local start, "HH:MM"' }),
    to: Type.String({ pattern: HOUR_MINUTE, description: 'Local end, "HH:MM", after from (same day)' }),
  },
  { additionalProperties: false },
);
export type WorkingPeriod = Static<typeof WorkingPeriodSchema>;

/**
 * The mediators' location privacy (CNIL délibération 2015-165): the button and the dashboard pause
 * position reporting, and outside the working hours it is off by itself.
 */
export const PrivacyConfigSchema = Type.Object(
  {
    timeZone: Type.String({ default: 'Europe/Paris', minLength: 1, description: 'IANA zone of the working hours' }),
    workingHours: Type.Optional(
      Type.Array(WorkingPeriodSchema, {
        minItems: 1,
        maxItems: 28,
        description: 'Positions are sent only inside these periods; absent: at any hour unless paused',
      }),
    ),
    statePath: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Where the manual pause survives a reboot; default: location-privacy.json beside the outbox',
      }),
    ),
  },
  { additionalProperties: false, default: {} },
);
export type PrivacyConfig = Static<typeof PrivacyConfigSchema>;
