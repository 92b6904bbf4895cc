import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Alert thresholds and notification channels. Every field has a default, so `alerts: {}` (or no
 * `alerts` at all) is a working config. Each raise threshold has a lower clear threshold, so a
 * reading that hovers around the limit does not flap the alert.
 */

const Severity = (fallback: 'info' | 'warning' | 'critical') =>
  Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')], { default: fallback });
const Pct = (fallback: number, description: string) =>
  Type.Number({ minimum: 0, maximum: 100, default: fallback, description });
const Minutes = (fallback: number, description: string) =>
  Type.Number({ exclusiveMinimum: 0, maximum: 7 * 24 * 60, default: fallback, description });
const Temperature = (warnC: number, criticalC: number, what: string) =>
  Type.Object(
    {
      warnC: Type.Number({ default: warnC, description: `${what}: warning at or above, °C` }),
      criticalC: Type.Number({ default: criticalC, description: `${what}: critical at or above, °C` }),
    },
    { additionalProperties: false, default: {} },
  );

export const LowBatteryConfigSchema = Type.Object(
  {
    raisePct: Pct(20, 'Raise at or below this state of charge'),
    clearPct: Pct(25, 'Clear at or above this state of charge (above raisePct)'),
    criticalPct: Pct(10, 'Critical at or below this state of charge'),
    slopeWindowMin: Minutes(30, 'SoC readings this recent give the discharge rate for the remaining time'),
  },
  { additionalProperties: false, default: {} },
);

export const TemperatureConfigSchema = Type.Object(
  {
    // Li-ion cells should not discharge above ~60 °C; the BMS NTCs (cells and MOSFETs) report here.
    battery: Temperature(50, 60, 'Battery cells and MOSFETs'),
    motor: Temperature(100, 120, 'Hub motor windings'),
    controller: Temperature(70, 85, 'Motor controller'),
    // A Raspberry Pi starts throttling at 80 °C.
    cpu: Temperature(75, 82, 'Unit CPU'),
    box: Temperature(55, 65, 'Electronics box or modem'),
    hysteresisC: Type.Number({ minimum: 0, default: 5, description: 'Clear this far below the warning level, °C' }),
  },
  { additionalProperties: false, default: {} },
);

export const UplinkConfigSchema = Type.Object(
  {
    outboxRaise: Type.Integer({ minimum: 1, default: 500, description: 'Records waiting in the outbox to raise' }),
    outboxClear: Type.Integer({ minimum: 0, default: 50, description: 'Records waiting to clear (below outboxRaise)' }),
    reconnectsRaise: Type.Integer({ minimum: 1, default: 5, description: 'Broker reconnects within the window' }),
    reconnectWindowMin: Minutes(60, 'Window for counting reconnects'),
  },
  { additionalProperties: false, default: {} },
);

export const DataBudgetConfigSchema = Type.Object(
  {
    capBytes: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Monthly data plan, bytes; a unit fact overrides it; none = off' }),
    ),
    warnPct: Pct(80, 'Warning at this share of the cap'),
    criticalPct: Pct(100, 'Critical at this share of the cap'),
    clearPct: Pct(75, 'Clear below this share (a new billing month)'),
  },
  { additionalProperties: false, default: {} },
);

export const HotspotFullConfigSchema = Type.Object(
  {
    severity: Severity('info'),
    quietMin: Minutes(30, 'Clear after this long without a refused client'),
  },
  { additionalProperties: false, default: {} },
);

export const EmailConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
    secure: Type.Boolean({ default: false }),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    from: Type.String({ minLength: 3, maxLength: 254 }),
    to: Type.Array(Type.String({ minLength: 3, maxLength: 254 }), { minItems: 1, maxItems: 50 }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 15_000 }),
  },
  { additionalProperties: false },
);

export const WebhookConfigSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://[^\\s]+$' }),
    /** Key of the HMAC-SHA256 signature in the X-Triporteur-Signature header. */
    secret: Type.String({ minLength: 16, maxLength: 512 }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5000 }),
  },
  { additionalProperties: false },
);

export const NotifyConfigSchema = Type.Object(
  {
    minSeverity: Severity('warning'),
    /** Zone names say where a tricycle is; notifications leave them out unless this is on. */
    includeLocation: Type.Boolean({ default: false }),
    timeZone: Type.String({ minLength: 1, default: 'Europe/Paris', description: 'For dates in messages' }),
    dashboardUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Linked from messages' })),
    retries: Type.Integer({ minimum: 0, maximum: 10, default: 3, description: 'Attempts after the first' }),
    backoffMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 2000, description: 'Doubles each retry' }),
    queueMax: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000, description: 'Waiting per channel' }),
    email: Type.Optional(EmailConfigSchema),
    webhook: Type.Optional(WebhookConfigSchema),
  },
  { additionalProperties: false, default: {} },
);

export const AlertsConfigSchema = Type.Object(
  {
    lowBattery: LowBatteryConfigSchema,
    temperature: TemperatureConfigSchema,
    uplink: UplinkConfigSchema,
    dataBudget: DataBudgetConfigSchema,
    hotspotFull: HotspotFullConfigSchema,
    zoneLeave: Type.Object({ severity: Severity('info') }, { additionalProperties: false, default: {} }),
    notify: NotifyConfigSchema,
  },
  { additionalProperties: false, default: {} },
);

export type AlertsConfig = Static<typeof AlertsConfigSchema>;
export type NotifyConfig = Static<typeof NotifyConfigSchema>;
export type EmailConfig = Static<typeof EmailConfigSchema>;
export type WebhookConfig = Static<typeof WebhookConfigSchema>;

/** Every default filled in: what `alerts: {}` means. */
export const DEFAULT_ALERTS_CONFIG: Readonly<AlertsConfig> = Object.freeze(
  Value.Default(AlertsConfigSchema, {}) as AlertsConfig,
);

/**
 * Cross-field checks the schema cannot express: each clear threshold on the quiet side of its
 * raise threshold. Paths are relative to the alerts section, e.g. "lowBattery/clearPct".
 */
export function alertsConfigProblems(config: AlertsConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const need = (ok: boolean, path: string, message: string) => {
    if (!ok) problems.push({ path, message });
  };
  const { lowBattery: b, uplink: u, dataBudget: d, temperature: t } = config;
  need(b.clearPct > b.raisePct, 'lowBattery/clearPct', `must be above raisePct (${b.raisePct})`);
  need(b.criticalPct <= b.raisePct, 'lowBattery/criticalPct', `must be at most raisePct (${b.raisePct})`);
  need(u.outboxClear < u.outboxRaise, 'uplink/outboxClear', `must be below outboxRaise (${u.outboxRaise})`);
  need(d.clearPct < d.warnPct, 'dataBudget/clearPct', `must be below warnPct (${d.warnPct})`);
  need(d.criticalPct >= d.warnPct, 'dataBudget/criticalPct', `must be at least warnPct (${d.warnPct})`);
  for (const part of ['battery', 'motor', 'controller', 'cpu', 'box'] as const) {
    need(t[part].criticalC >= t[part].warnC, `temperature/${part}/criticalC`, `must be at least warnC`);
  }
  try {
    new Intl.DateTimeFormat('fr-FR', { timeZone: config.notify.timeZone });
  } catch {
    need(false, 'notify/timeZone', `unknown time zone "${config.notify.timeZone}", e.g. "Europe/Paris"`);
  }
  return problems;
}
