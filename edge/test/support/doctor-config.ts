import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { validateEdgeConfig } from '../../src/config/load.js';
import type { EdgeConfig } from '../../src/config/schema.js';
import { type DoctorContext, type DoctorSeams, doctorContext } from '../../src/doctor/context.js';
import { RecordingRunner } from '../../src/hotspot/system/recording-runner.js';

export const UNIT = 'tri-doc-01';
export const HOTSPOT_PAGES = { venue: { associationName: 'PIMMS Test', contact: 'contact@example.org' } };

/** A validated config for doctor tests: its own data directory; sections merged over the minimum. */
export function doctorConfig(sections: Record<string, unknown> = {}): Readonly<EdgeConfig> {
  return validateEdgeConfig({
    configVersion: 1,
    unitId: UNIT,
    bms: { type: 'jbd', path: '/dev/ttyUSB-bms' },
    mqtt: { url: 'mqtt://127.0.0.1:1', username: UNIT, password: 'unit-secret' },
    ...sections,
    // Its own data directory unless the test names one; the rest of the section as given.
    outbox: {
      path: join(mkdtempSync(join(tmpdir(), 'doctor-data-')), 'outbox.db'),
      ...(sections.outbox as Record<string, unknown> | undefined),
    },
  });
}

/** A context whose commands go to `runner` (a RecordingRunner by default: nothing touches the system). */
export function doctorTestContext(config: Readonly<EdgeConfig>, seams: DoctorSeams = {}): DoctorContext {
  return doctorContext(config, { commands: new RecordingRunner(), logger: pino({ level: 'silent' }), ...seams });
}
