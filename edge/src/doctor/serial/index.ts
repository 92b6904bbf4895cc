import { openSerialTransport } from '@triporteur/firmware-bridge';
import type { EdgeConfig } from '../../config/schema.js';
import type { CheckResult, DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import { fail } from '../result.js';
import { answerResult } from './answer-check.js';
import type { SerialDoctorContext } from './context.js';
import { type SerialDeviceEntry, serialDevicesOf } from './devices.js';
import { gpsFixResult } from './gps-fix-check.js';
import { checkPath } from './path-check.js';
import { type ProbeOutcome, probeDevice } from './probe.js';

export type { SerialDoctorContext } from './context.js';
export { type SerialDeviceEntry, type SerialSection, serialDevicesOf } from './devices.js';
export { classifyOpenFailure, type OpenFailure } from './open-error.js';

export interface SerialChecksOptions {
  /** Where udev's by-id links are, to suggest one for an unstable name (tests: a temp folder). */
  byIdDir?: string;
}

/**
 * Doctor's lines for every configured serial device, in config order: its path (present, under a stable
 * name), whether it answers, and for an NMEA GPS its fix. A probe only reads: the drivers' own read
 * requests to polled devices, nothing at all to display lines and GPS receivers.
 */
export function serialChecks(
  config: Pick<EdgeConfig, 'bms' | 'motor' | 'gps' | 'aux'>,
  options: SerialChecksOptions = {},
): DoctorCheck<SerialDoctorContext>[] {
  const checks: DoctorCheck<SerialDoctorContext>[] = [];
  for (const entry of serialDevicesOf(config)) {
    const probe = sharedProbe(entry);
    const pathId = `serial-${entry.section}-path`;
    const answerId = `serial-${entry.section}`;
    checks.push(
      {
        id: pathId,
        title: `${entry.label} : port présent sous un nom stable`,
        run: () => guarded(pathId, () => checkPath(entry, pathId, options.byIdDir)),
      },
      {
        id: answerId,
        title: `${entry.label} (${entry.config.type}) : répond`,
        run: (context) => guarded(answerId, async () => answerResult(answerId, entry, await probe(context))),
      },
    );
    if (entry.config.type === 'nmea') {
      checks.push({
        id: 'gps-fix',
        title: 'GPS : position (fix)',
        run: (context) => guarded('gps-fix', async () => gpsFixResult('gps-fix', await probe(context))),
      });
    }
  }
  return checks;
}

/** A settled probe is reused this long: the GPS's answering and fix lines of one run read one probe. */
const REUSE_MS = 5000;

/** One probe per device and doctor run, whichever of its checks asks first; a port opened once. */
function sharedProbe(entry: SerialDeviceEntry): (context: SerialDoctorContext) => Promise<ProbeOutcome> {
  const runs = new WeakMap<SerialDoctorContext, { outcome: Promise<ProbeOutcome>; settledAt?: number }>();
  return (context) => {
    const clock = context.clock;
    const last = runs.get(context);
    if (last !== undefined && (last.settledAt === undefined || clock.now() - last.settledAt < REUSE_MS)) {
      return last.outcome;
    }
    const run: { outcome: Promise<ProbeOutcome>; settledAt?: number } = {
      outcome: probeDevice(entry.config, { open: context.openSerial ?? openSerialTransport, clock }),
    };
    run.outcome.then(
      () => {
        run.settledAt = clock.now();
      },
      () => {
        run.settledAt = clock.now();
      },
    );
    runs.set(context, run);
    return run.outcome;
  };
}

/** A check must answer, never throw: an unexpected error is a fail that says so. */
async function guarded(id: string, run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (err) {
    return fail(
      id,
      DoctorCode.CHECK_CRASHED,
      `la vérification a échoué : ${err instanceof Error ? err.message : String(err)}`,
      'Relancer doctor ; si cela se répète, envoyer la sortie de `triporteur-edge doctor --json` aux mainteneurs.',
    );
  }
}
