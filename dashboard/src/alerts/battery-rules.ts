import type { KindState } from '@triporteur/edge/contract';
import type { AlertsConfig } from './config.js';
import { decimal, protectionLabel, roughDuration } from './french.js';
import type { UnitMemory } from './types.js';
import { cleared, isActive, raised, reading, unknown, type Verdict } from './verdict.js';

type Battery = KindState<'battery'>;
type SocSample = UnitMemory['soc'][number];

/** Below this span the SoC slope is mostly the 1 % reporting step, not a rate. */
const MIN_SLOPE_SPAN_MS = 5 * 60_000;
const MAX_SOC_SAMPLES = 120;
/** A current this small is the BMS's own draw or noise, not a discharge to extrapolate. */
const MIN_DISCHARGE_A = 0.05;

/** Values of a BMS the driver still talks to; a silent or stopped one repeats old readings. */
function live(battery: Battery | undefined): Battery['values'] | undefined {
  if (!battery) return undefined;
  const state = battery.values.state;
  return state === undefined || state === 'connected' ? battery.values : undefined;
}

/**
 * Keeps the (ts, SoC) readings of the current discharge within the window. Charging, or a SoC that
 * rose, starts a new discharge: the slope must not average across a charge.
 */
export function nextSocSamples(
  samples: readonly SocSample[],
  prev: Battery | undefined,
  next: Battery | undefined,
  windowMs: number,
): readonly SocSample[] {
  const values = live(next);
  if (!next || !values || next.updatedAt === prev?.updatedAt) return samples;
  const pct = reading(values, 'socPct');
  if (pct === undefined) return samples;
  const sample = { ts: next.updatedAt, pct };
  const last = samples[samples.length - 1];
  const current = reading(values, 'currentA');
  if (!last || pct > last.pct || next.updatedAt < last.ts || (current !== undefined && current > 0)) return [sample];
  const kept = samples.filter((s) => s.ts >= next.updatedAt - windowMs);
  return [...kept, sample].slice(-MAX_SOC_SAMPLES);
}

/**
 * Time to empty, in ms. The SoC slope over the window averages riding and stops, so it is the better
 * guide; the instantaneous current (one hill, one stop) is the fallback before the window fills.
 */
export function remainingMs(samples: readonly SocSample[], values: Battery['values']): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first && last && last.ts - first.ts >= MIN_SLOPE_SPAN_MS && first.pct > last.pct) {
    const pctPerMs = (first.pct - last.pct) / (last.ts - first.ts);
    return last.pct / pctPerMs;
  }
  const current = reading(values, 'currentA');
  const remainingAh = reading(values, 'remainingAh');
  if (current !== undefined && remainingAh !== undefined && current < -MIN_DISCHARGE_A && remainingAh > 0) {
    return (remainingAh / -current) * 3_600_000;
  }
  return undefined;
}

export function lowBattery(
  unitId: string,
  next: Battery | undefined,
  memory: UnitMemory,
  config: AlertsConfig['lowBattery'],
): Verdict {
  const key = `${unitId}:low-battery`;
  const values = live(next);
  const soc = values && reading(values, 'socPct');
  if (!values || soc === undefined) return unknown(key, 'low-battery');
  const low = isActive(memory, key) ? soc < config.clearPct : soc <= config.raisePct;
  if (!low) return cleared(key, 'low-battery');
  const severity = soc <= config.criticalPct ? 'critical' : 'warning';
  const current = reading(values, 'currentA');
  const remaining = remainingMs(memory.soc, values);
  const outlook =
    current !== undefined && current > 0
      ? ', en charge'
      : remaining === undefined
        ? ' (autonomie restante inconnue)'
        : ` (≈ ${roughDuration(remaining)} restantes)`;
  return raised(key, 'low-battery', severity, `Batterie à ${decimal(soc, 0)} %${outlook}`);
}

export function bmsProtection(unitId: string, next: Battery | undefined): Verdict {
  const key = `${unitId}:bms-protection`;
  const values = live(next);
  const flags = values?.protection;
  if (!values || !flags || values.q?.protection === 'stale') return unknown(key, 'bms-protection');
  if (flags.length === 0) return cleared(key, 'bms-protection');
  const cut = [
    values.fets?.discharge === false ? 'décharge coupée' : undefined,
    values.fets?.charge === false ? 'charge coupée' : undefined,
  ].filter((s) => s !== undefined);
  const suffix = cut.length > 0 ? ` (${cut.join(', ')})` : '';
  return raised(
    key,
    'bms-protection',
    'critical',
    `Protection BMS active : ${flags.map(protectionLabel).join(', ')}${suffix}`,
  );
}
