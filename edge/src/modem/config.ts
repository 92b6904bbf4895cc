import { type Static, Type } from '@sinclair/typebox';

/** The `modem` section: 4G health read from ModemManager (mmcli). Absent: no modem is read. */
export const ModemSectionSchema = Type.Object(
  {
    pollIntervalS: Type.Integer({
      minimum: 10,
      maximum: 3600,
      default: 60,
      description: 'How often the modem is read; each read runs a few mmcli commands',
    }),
    staleAfterS: Type.Integer({
      minimum: 30,
      maximum: 86_400,
      default: 300,
      description: 'A reading older than this is left out of telemetry rather than shown as current',
    }),
    signalRateS: Type.Integer({
      minimum: 5,
      maximum: 3600,
      default: 30,
      description: 'The rate ModemManager is asked to refresh its extended signal figures at (--signal-setup)',
    }),
  },
  { additionalProperties: false },
);
export type ModemSection = Static<typeof ModemSectionSchema>;
