import { type Clock, systemClock } from '@triporteur/firmware-bridge';
import type { CheckResult, CheckStatus, DoctorCheck } from './check.js';
import { DoctorCode } from './codes.js';
import { fail } from './result.js';

/** One line of the report: the check's result and its title (the table's first column). */
export interface DoctorEntry extends CheckResult {
  title: string;
}

export interface DoctorReport {
  /** True when no check failed: warnings are worth reading but do not stop a unit from working. */
  ok: boolean;
  checks: DoctorEntry[];
}

export interface RunOptions {
  /** Per check; a check still running then is a fail DOC_CHECK_CRASHED ("délai dépassé"). Default 20 s. */
  timeoutMs?: number;
  /** Timers for the time limit (tests: a ManualClock). */
  clock?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 20_000;
const CRASH_FIX =
  'Relancer doctor ; si cela se répète, envoyer la sortie de `triporteur-edge doctor --json` aux mainteneurs.';

/**
 * Runs every check at once (they are independent: a slow broker must not delay the disk check) and
 * answers in the order of `checks`, whatever order they finish in, so two runs compare line by line.
 * A check that throws or overruns its time becomes a fail DOC_CHECK_CRASHED rather than hiding the others.
 */
export async function runChecks<Context>(
  checks: readonly DoctorCheck<Context>[],
  context: Context,
  options: RunOptions = {},
): Promise<DoctorReport> {
  const { timeoutMs = DEFAULT_CHECK_TIMEOUT_MS, clock = systemClock } = options;
  const ids = new Set<string>();
  for (const check of checks) {
    if (ids.has(check.id)) throw new Error(`two doctor checks share the id ${check.id}`);
    ids.add(check.id);
  }
  const results = await Promise.all(checks.map((check) => runOne(check, context, timeoutMs, clock)));
  const entries = results.map((result, i) => ({ ...result, title: checks[i]?.title ?? result.id }));
  return { ok: entries.every((entry) => entry.status !== 'fail'), checks: entries };
}

async function runOne<Context>(
  check: DoctorCheck<Context>,
  context: Context,
  timeoutMs: number,
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
): Promise<CheckResult> {
  let timer: ReturnType<typeof clock.setTimeout> | undefined;
  const overrun = new Promise<CheckResult>((resolve) => {
    timer = clock.setTimeout(
      () =>
        resolve(
          fail(
            check.id,
            DoctorCode.CHECK_CRASHED,
            `délai dépassé : pas de réponse en ${Math.round(timeoutMs / 1000)} s`,
            CRASH_FIX,
          ),
        ),
      timeoutMs,
    );
  });
  const ran = Promise.resolve()
    .then(() => check.run(context))
    .then(
      (result) => wellFormed(check.id, result),
      (err: unknown) =>
        fail(check.id, DoctorCode.CHECK_CRASHED, `la vérification a planté : ${messageOf(err)}`, CRASH_FIX),
    );
  try {
    return await Promise.race([ran, overrun]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}

const STATUSES: readonly CheckStatus[] = ['pass', 'warn', 'fail'];

/** The check's own id always, and a fix for every non-pass: the table and the dashboard rely on both. */
function wellFormed(id: string, result: CheckResult): CheckResult {
  if (!STATUSES.includes(result.status)) {
    return fail(id, DoctorCode.CHECK_CRASHED, `statut inconnu « ${String(result.status)} »`, CRASH_FIX);
  }
  const { fix, ...rest } = result;
  if (result.status === 'pass') return { ...rest, id };
  return { ...rest, id, fix: fix ?? CRASH_FIX };
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
