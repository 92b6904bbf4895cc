import type { SerialDeviceEntry } from './devices.js';

/**
 * The technician's words for each serial finding (French). Each fix names what to do, in the order a
 * technician in the workshop would try it; hardware/TROUBLESHOOTING.md says the same by code.
 */
export const fixes = {
  missing: (e: SerialDeviceEntry) =>
    `Brancher l'adaptateur USB du ${e.label}. \`ls -l /dev/serial/by-id\` liste les adaptateurs vus : ` +
    `s'il y est mais que ${e.config.path} n'existe pas, la règle udev ne l'a pas nommé ` +
    '(hardware/udev/99-triporteur.rules, puis `udevadm control --reload && udevadm trigger`).',
  unstable: (e: SerialDeviceEntry, byId: string | undefined) =>
    `Mettre ${e.section}.path à ${e.udevName} (règle udev de l'installation)` +
    `${byId === undefined ? '' : ` ou à ${byId}`}, puis redémarrer le service : ` +
    `${e.config.path} dépend de l'ordre de branchement et peut désigner un autre appareil au prochain démarrage.`,
  notADevice: (e: SerialDeviceEntry) =>
    `${e.config.path} existe mais n'est pas un port série : corriger ${e.section}.path dans la configuration.`,
  locked:
    'Le service tient le port : arrêter le service (`systemctl stop triporteur-edge`) puis relancer doctor, ' +
    "ou lancer le diagnostic depuis le tableau de bord, qui lit l'état des appareils dans le service.",
  permission: 'Lancer doctor en root (sudo), ou ajouter son utilisateur au groupe dialout.',
  openFailed: (e: SerialDeviceEntry) =>
    `Débrancher et rebrancher l'adaptateur du ${e.label} ; si l'erreur reste, changer l'adaptateur.`,
  silent: (e: SerialDeviceEntry) =>
    `Vérifier le câble entre l'adaptateur et le ${e.label}, et son alimentation. ${wakeHint(e)}` +
    "TX et RX inversés ? Le TX de l'adaptateur va au RX de l'appareil, et inversement (hardware/wiring.md).",
  echo:
    "Nos propres octets reviennent : le TX et le RX de l'adaptateur sont reliés entre eux (pont de soudure, " +
    "bouchon de test) et l'appareil n'est pas sur la ligne. Recâbler comme hardware/wiring.md.",
  baud: (e: SerialDeviceEntry, baudRate: number) =>
    `Mettre ${e.section}.baudRate à ${baudRate} dans la configuration, puis redémarrer le service.`,
  garbled: (e: SerialDeviceEntry) =>
    `Vérifier le type (${e.section}.type = ${e.config.type}) : l'appareil parle-t-il un autre protocole ? ` +
    'En RS485, inverser A et B. Vérifier les niveaux (3,3 V ou 5 V, hardware/wiring.md) et éloigner le câble ' +
    'des fils de phase du moteur.',
  wiringFaultLive:
    'Arrêter le service (`systemctl stop triporteur-edge`) et lancer `triporteur-edge doctor` sur le Pi : ' +
    'il essaie les autres vitesses et dit laquelle se décode.',
  noFix:
    "Sortir le triporteur à l'extérieur 5 minutes ; éloigner l'antenne GPS d'au moins 20 cm des antennes 4G. " +
    "Le premier fix après plusieurs jours à l'arrêt prend quelques minutes.",
};

function wakeHint(e: SerialDeviceEntry): string {
  switch (e.config.type) {
    case 'jbd':
    case 'daly':
      return "Un BMS s'endort à l'arrêt : le réveiller en branchant le chargeur ou par son bouton, puis relancer doctor. ";
    case 'kt':
    case 'bafang':
      return "La ligne d'affichage ne parle que vélo allumé : allumer l'écran. ";
    case 'firmata':
      return 'La carte doit porter StandardFirmata (voir le flashage). ';
    default:
      return '';
  }
}
