import type { DeviceStatus } from '../app.js';
import type { CheckResult, DoctorCheck } from './check.js';
import { DoctorCode } from './codes.js';
import type { DoctorContext } from './context.js';
import { fail, pass, warn } from './result.js';

const KINDS: Record<DeviceStatus['kind'], string> = {
  battery: 'BMS',
  motor: 'contrôleur moteur',
  position: 'GPS',
  aux: 'carte Arduino',
};

/** The ids the serial checks use (doctor/serial), so a code reads the same on the Pi and on the dashboard. */
const ID_OF: Record<DeviceStatus['kind'], string> = {
  battery: 'serial-bms',
  motor: 'serial-motor',
  position: 'serial-gps',
  aux: 'serial-aux',
};

/**
 * Inside the service the serial ports are the service's: opening them again to ask a device would fight
 * its driver. Remote diagnostics report the link each driver already watches instead (port states from
 * firmware-bridge's supervisor: opening, connected, asleep, silent, wiring-fault, unplugged, stopped).
 */
export function liveDeviceChecks(context: DoctorContext): DoctorCheck<DoctorContext>[] {
  const devices = context.live?.devices() ?? [];
  return devices.map((device) => ({
    id: ID_OF[device.kind],
    title: `Liaison série : ${KINDS[device.kind]} (${device.type})`,
    run: async (ctx) => {
      const current = ctx.live?.devices().find((d) => d.kind === device.kind) ?? device;
      return judge(ID_OF[device.kind], current);
    },
  }));
}

function judge(id: string, device: DeviceStatus): CheckResult {
  const name = `${KINDS[device.kind]} ${device.type}`;
  switch (device.port) {
    case 'connected':
      return pass(id, `${name} : répond`);
    case 'asleep':
      return pass(id, `${name} : en veille (normal à l'arrêt ; se réveille en charge ou au bouton)`);
    case 'opening':
      return warn(
        id,
        DoctorCode.SERIAL_SILENT,
        `${name} : ouverture du port en cours`,
        'Relancer le diagnostic dans une minute.',
      );
    case 'unplugged':
      return fail(
        id,
        DoctorCode.SERIAL_MISSING,
        `${name} : le port a disparu`,
        "Rebrancher l'adaptateur USB ; `ls -l /dev/serial/by-id/` doit le montrer.",
      );
    case 'silent':
      return fail(
        id,
        DoctorCode.SERIAL_SILENT,
        `${name} : ne répond plus`,
        "Vérifier le câble jusqu'à l'appareil, son alimentation, et l'ordre TX/RX à l'adaptateur.",
      );
    case 'wiring-fault':
      return fail(
        id,
        // The supervisor's wiring-fault: bytes arrive but never a valid frame (firmware-bridge port/supervisor.ts).
        DoctorCode.SERIAL_GARBLED,
        `${name} : des octets arrivent mais aucune trame valide`,
        "Vérifier le type d'appareil et la vitesse dans la configuration, puis A/B (RS485) ou TX/RX et les niveaux (hardware/wiring.md) ; `triporteur-edge doctor` service arrêté nomme la bonne vitesse.",
      );
    default:
      return fail(id, DoctorCode.SERIAL_SILENT, `${name} : arrêté`, '`systemctl restart triporteur-edge`.');
  }
}
