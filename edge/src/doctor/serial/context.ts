import type { Clock } from '@triporteur/firmware-bridge';
import type { OpenSerial } from './listen.js';

/**
 * What the serial checks take from doctor's runner; DoctorContext fits it. They run from the command
 * line, where the ports are free (the service stopped) or held (then DOC_SERIAL_BUSY): inside the
 * service, the runner reports the drivers' own link states instead (doctor/live-devices.ts).
 */
export interface SerialDoctorContext {
  clock: Clock;
  /** Opens a port for a probe: the real serialport, locked like the service's, when absent. */
  openSerial?: OpenSerial;
}
