import type { EdgeConfig } from '../config/schema.js';
import { type DoctorContext, type DoctorSeams, doctorContext } from './context.js';
import { doctorChecks, selectChecks } from './registry.js';
import { type DoctorReport, type RunOptions, runChecks } from './runner.js';

export interface DoctorOptions extends RunOptions {
  /** Only these checks (ids, or id prefixes such as "service"); all of them when absent. */
  only?: readonly string[];
}

export class UnknownCheckError extends Error {
  constructor(readonly ids: readonly string[]) {
    super(`unknown doctor check(s): ${ids.join(', ')}`);
  }
}

/**
 * The whole doctor for one config: every check, with the real system unless `seams` replace parts of it
 * (a namespace runner, a temp /sys tree, a test broker, a ManualClock). What `triporteur-edge doctor`,
 * the dashboard's run-diagnostics and the full simulated-unit test all run.
 */
export async function runDoctor(
  config: Readonly<EdgeConfig>,
  seams: DoctorSeams = {},
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  const context: DoctorContext = doctorContext(config, seams);
  let checks = doctorChecks(context);
  if (options.only !== undefined) {
    const { selected, unknown } = selectChecks(checks, options.only);
    if (unknown.length > 0) throw new UnknownCheckError(unknown);
    checks = selected;
  }
  const { only: _only, ...run } = options;
  // One clock for the checks and their time limits: a test's ManualClock drives both.
  return runChecks(checks, context, { clock: context.clock, ...run });
}
