import type { CheckResult } from './check.js';
import { DoctorCode } from './codes.js';

/** Builders that keep every result well formed: a pass has no fix, a warn or a fail always has one. */
export const pass = (id: string, detail: string): CheckResult => ({ id, status: 'pass', code: DoctorCode.OK, detail });

export const warn = (id: string, code: DoctorCode, detail: string, fix: string): CheckResult => ({
  id,
  status: 'warn',
  code,
  detail,
  fix,
});

export const fail = (id: string, code: DoctorCode, detail: string, fix: string): CheckResult => ({
  id,
  status: 'fail',
  code,
  detail,
  fix,
});

/** A part this unit's config does not have: nothing to check, nothing to fix. */
export const notConfigured = (id: string, detail: string): CheckResult => ({
  id,
  status: 'pass',
  code: DoctorCode.NOT_CONFIGURED,
  detail,
});

/** Numbers the French way in details: 1 234,5. */
export function frenchNumber(value: number, digits = 0): string {
  return value.toLocaleString('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** One line of what a tool said, for a detail: trimmed and cut, never a whole stack of output. */
export function firstLine(text: string, max = 160): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
