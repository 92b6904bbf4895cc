import type { CheckResult } from '../check.js';
import { DoctorCode } from '../codes.js';
import { fail, pass, warn } from '../result.js';
import type { SerialDeviceEntry } from './devices.js';
import type { ProbeOutcome } from './probe.js';
import { fixes } from './texts.js';

/** The "answering" line of one device, from its probe. */
export function answerResult(id: string, entry: SerialDeviceEntry, outcome: ProbeOutcome): CheckResult {
  const { path, baudRate } = entry.config;
  switch (outcome.kind) {
    case 'answered':
      return pass(id, `${outcome.detail} (${baudRate} bauds)`);
    case 'missing':
      return fail(id, DoctorCode.SERIAL_MISSING, `${path} n'existe pas : rien à interroger`, fixes.missing(entry));
    case 'busy':
      // Held by the service is the normal state of a running unit: a warning, not a broken device.
      if (outcome.why === 'locked') {
        return warn(id, DoctorCode.SERIAL_BUSY, `${path} est tenu par un autre programme (le service ?)`, fixes.locked);
      }
      return fail(
        id,
        DoctorCode.SERIAL_BUSY,
        `${path} ne s'ouvre pas : ${outcome.message}`,
        outcome.why === 'permission' ? fixes.permission : fixes.openFailed(entry),
      );
    case 'echo':
      return fail(
        id,
        DoctorCode.SERIAL_ECHO,
        `notre propre requête revient telle quelle (${outcome.bytes} octets), aucune réponse de l'appareil`,
        fixes.echo,
      );
    case 'wrong-baud':
      return fail(
        id,
        DoctorCode.SERIAL_BAUD,
        `rien ne se décode à ${baudRate} bauds ; à ${outcome.baudRate} bauds : ${outcome.detail}`,
        fixes.baud(entry, outcome.baudRate),
      );
    case 'garbled':
      return fail(
        id,
        DoctorCode.SERIAL_GARBLED,
        `${outcome.bytes} octets reçus, aucune trame valide à ${outcome.tried.join(', ')} bauds`,
        fixes.garbled(entry),
      );
    case 'silent':
      return fail(
        id,
        DoctorCode.SERIAL_SILENT,
        entry.config.type === 'nmea' || entry.config.type === 'kt' || entry.config.type === 'bafang'
          ? `aucun octet entendu sur ${path}`
          : `aucune réponse sur ${path} (essayé à ${outcome.tried.join(', ')} bauds)`,
        fixes.silent(entry),
      );
  }
}
