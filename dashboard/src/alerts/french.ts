import type { AlertKind, AlertSeverity } from './types.js';

/** French wording shared by alert details and notifications. */

export const KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  'low-battery': 'batterie faible',
  'bms-protection': 'protection BMS',
  'over-temperature': 'surchauffe',
  'motor-fault': 'défaut moteur',
  'unit-offline': 'unité hors ligne',
  'uplink-down': 'liaison dégradée',
  'data-budget': 'forfait de données',
  'hotspot-full': 'point d’accès saturé',
  'zone-leave': 'sortie de zone',
};

export const SEVERITY_LABELS: Readonly<Record<AlertSeverity, string>> = {
  info: 'Information',
  warning: 'Avertissement',
  critical: 'Critique',
};

/** The shared (JBD) protection flag names the bridges report; anything else is shown as sent. */
const PROTECTION_LABELS: Readonly<Record<string, string>> = {
  cellOverVoltage: 'surtension cellule',
  cellUnderVoltage: 'sous-tension cellule',
  packOverVoltage: 'surtension pack',
  packUnderVoltage: 'sous-tension pack',
  chargeOverTemperature: 'surchauffe en charge',
  chargeUnderTemperature: 'trop froid pour charger',
  dischargeOverTemperature: 'surchauffe en décharge',
  dischargeUnderTemperature: 'trop froid pour décharger',
  chargeOverCurrent: 'surintensité de charge',
  dischargeOverCurrent: 'surintensité de décharge',
  shortCircuit: 'court-circuit',
  frontEndIcError: 'erreur du circuit de mesure',
  mosfetSoftwareLock: 'MOSFET verrouillés par logiciel',
};

export function protectionLabel(flag: string): string {
  return PROTECTION_LABELS[flag] ?? flag;
}

/** "12,5": French decimal comma, trailing ",0" dropped. */
export function decimal(value: number, digits = 1): string {
  return value.toFixed(digits).replace(/\.0+$/, '').replace('.', ',');
}

/** Decimal units, as operators bill data plans: "4,2 Go", "850 Mo". */
export function bytes(value: number): string {
  if (value >= 1e9) return `${decimal(value / 1e9)} Go`;
  if (value >= 1e6) return `${decimal(value / 1e6, 0)} Mo`;
  return `${decimal(value / 1e3, 0)} ko`;
}

/**
 * An estimate, rounded as coarsely as it deserves: to the minute under 10 min, to 5 min above.
 * "45 min", "1 h 20 min", "3 h".
 */
export function roughDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const rounded = minutes < 10 ? minutes : Math.round(minutes / 5) * 5;
  const h = Math.floor(rounded / 60);
  const m = rounded % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')} min`;
}
