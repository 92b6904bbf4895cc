import { DoctorCode } from './codes.js';
import type { DoctorReport } from './runner.js';

/**
 * `triporteur-edge doctor` exit codes: 0 when nothing failed (warnings included: the unit works, the
 * table says what to watch), 2 when at least one check failed (a config that does not load is such a
 * failure), 1 when doctor itself could not run (an unknown --only name).
 */
export const DOCTOR_EXIT = { ok: 0, unusable: 1, failed: 2 } as const;

export function exitCodeOf(report: DoctorReport): number {
  return report.ok ? DOCTOR_EXIT.ok : DOCTOR_EXIT.failed;
}

/** The report for a config file that does not load: one failed line, so the table and --json still answer. */
export function configFailure(message: string): DoctorReport {
  return {
    ok: false,
    checks: [
      {
        id: 'config',
        title: 'Fichier de configuration',
        status: 'fail',
        code: DoctorCode.CONFIG_INVALID,
        detail: message,
        fix: '`triporteur-edge check-config -c <fichier>` nomme le champ fautif ; le corriger puis redémarrer le service.',
      },
    ],
  };
}
