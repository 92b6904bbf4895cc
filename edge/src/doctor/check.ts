/**
 * What `triporteur-edge doctor` runs: independent checks, each answering pass, warn or fail with a code and,
 * when it is not a pass, the fix in the technician's words. The same results answer the dashboard's
 * remote `run-diagnostics` command, so a code means the same thing on the Pi and on the dashboard, and
 * hardware/TROUBLESHOOTING.md is keyed by it.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  /** Stable, kebab-case: `serial-bms`, `broker`, `nft-ruleset`… */
  id: string;
  status: CheckStatus;
  /** DOC_… (./codes.ts); DOC_OK for a pass. */
  code: DoctorCode;
  /** What was seen, one line, French; never a secret, a resident's MAC or IP. */
  detail: string;
  /** What to do, French, for warn and fail. */
  fix?: string;
}

export interface DoctorCheck<Context> {
  id: string;
  /** One line, French: what the check looks at (the table's first column). */
  title: string;
  /** Must not throw: a check that cannot run is itself a fail (DOC_CHECK_CRASHED is the last resort). */
  run(context: Context): Promise<CheckResult>;
}

import type { DoctorCode } from './codes.js';
