import type { CommandResult } from '../contract/commands.js';
import type { DoctorReport } from './runner.js';

type Diagnostics = CommandResult<'run-diagnostics'>;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The doctor report as the `run-diagnostics` reply: `name`, `ok` and `detail` as the dashboard always read
 * them (a warning is ok: it does not stop the unit), plus the status, code, title and fix doctor gives.
 */
export function toDiagnostics(report: DoctorReport): Diagnostics {
  return {
    ok: report.ok,
    checks: report.checks.map((check) => ({
      name: cut(check.id, 64),
      ok: check.status !== 'fail',
      detail: cut(check.detail, 1000),
      status: check.status,
      code: check.code,
      title: cut(check.title, 200),
      ...(check.fix === undefined ? {} : { fix: cut(check.fix, 1000) }),
    })),
  };
}
