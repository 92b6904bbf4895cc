import type { CheckResult } from '../check.js';
import { DoctorCode } from '../codes.js';
import { pass, warn } from '../result.js';
import { describeFix, summarizeNmea } from './gps-heard.js';
import type { ProbeOutcome } from './probe.js';
import { fixes } from './texts.js';

/**
 * The GPS fix, from the sentences the answering probe heard (GGA quality, else RMC status). A receiver
 * that did not answer has no fix to report: a warning here, the cause on the GPS's own line.
 */
export function gpsFixResult(id: string, outcome: ProbeOutcome): CheckResult {
  if (outcome.kind !== 'answered' && outcome.kind !== 'wrong-baud') {
    return warn(id, DoctorCode.GPS_NO_FIX, 'aucune phrase NMEA entendue : voir la ligne « GPS : répond »', fixes.noFix);
  }
  const heard = summarizeNmea(outcome.messages);
  if (heard.hasFix === true) return pass(id, describeFix(heard));
  return warn(id, DoctorCode.GPS_NO_FIX, describeFix(heard), fixes.noFix);
}
