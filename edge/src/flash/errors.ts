/**
 * Stable codes for flashing the aux board (EDG_FLASH_*), each with the fix a technician reads, in
 * French. Kept beside the flasher, like ../hotspot/system/errors.ts, so the table of fixes and the
 * codes cannot drift apart; tests assert the codes only.
 */
export const FlashErrorCode = {
  /** An option the technician typed is unusable (baud rate, board, port path, image path). */
  INPUT: 'EDG_FLASH_INPUT',
  /** The firmware image is not there: its npm package is not installed, or the file is unreadable. */
  IMAGE_MISSING: 'EDG_FLASH_IMAGE_MISSING',
  /** The image is not valid Intel HEX (bad character, length, checksum, record, or no end record). */
  IMAGE_INVALID: 'EDG_FLASH_IMAGE_INVALID',
  /** The image does not fit below the bootloader. */
  IMAGE_TOO_LARGE: 'EDG_FLASH_IMAGE_TOO_LARGE',
  /** The packaged image is not the one that was reviewed (its sha256 changed). */
  IMAGE_UNEXPECTED: 'EDG_FLASH_IMAGE_UNEXPECTED',
  /** avrdude could not be started (not installed, not executable). */
  AVRDUDE_MISSING: 'EDG_FLASH_AVRDUDE_MISSING',
  /** avrdude ran past its time limit and was killed. */
  TIMEOUT: 'EDG_FLASH_TIMEOUT',
  /** The serial port could not be opened (wrong path, busy, permissions). */
  PORT_OPEN: 'EDG_FLASH_PORT_OPEN',
  /** The bootloader never answered avrdude's sync request. */
  NOT_IN_SYNC: 'EDG_FLASH_NOT_IN_SYNC',
  /** The chip's signature is not an ATmega328P's. */
  SIGNATURE: 'EDG_FLASH_SIGNATURE',
  /** The bootloader answered, then stopped making sense or went quiet mid-transfer. */
  PROTOCOL: 'EDG_FLASH_PROTOCOL',
  /** What the board's flash reads back differs from the image. */
  VERIFY: 'EDG_FLASH_VERIFY',
  /** avrdude failed in a way this code does not recognise; its last error line is in the message. */
  FAILED: 'EDG_FLASH_FAILED',
  /** After flashing, the board did not answer a Firmata firmware query. */
  NO_FIRMATA: 'EDG_FLASH_NO_FIRMATA',
} as const;

export type FlashErrorCode = (typeof FlashErrorCode)[keyof typeof FlashErrorCode];

/** What to do about each failure, for the technician at the bench. */
export const FLASH_FIXES: Readonly<Record<FlashErrorCode, string>> = {
  [FlashErrorCode.INPUT]: 'Corrigez l’option indiquée (triporteur-edge flash-firmata --help).',
  [FlashErrorCode.IMAGE_MISSING]:
    'Installez les dépendances de l’edge (npm ci), ou donnez un fichier lisible avec --image.',
  [FlashErrorCode.IMAGE_INVALID]:
    'Le fichier n’est pas un Intel HEX complet : reprenez-le à sa source (export « .hex » de l’IDE Arduino).',
  [FlashErrorCode.IMAGE_TOO_LARGE]:
    'Ce programme ne tient pas sous le bootloader du Nano (30 Kio) : ce n’est pas une image pour Nano.',
  [FlashErrorCode.IMAGE_UNEXPECTED]:
    'Le paquet de l’image a changé : réinstallez la version prévue (npm ci), ou faites relire la nouvelle image avant de mettre à jour edge/src/flash/image-source.ts.',
  [FlashErrorCode.AVRDUDE_MISSING]: 'Installez avrdude : sudo apt-get install avrdude.',
  [FlashErrorCode.TIMEOUT]:
    'avrdude ne répond plus : débranchez et rebranchez le Nano, puis relancez. Si cela se répète, changez de câble USB.',
  [FlashErrorCode.PORT_OPEN]:
    'Vérifiez le port (ls -l /dev/triporteur-arduino /dev/ttyUSB*), arrêtez le service qui l’utilise (systemctl stop triporteur-edge) et vérifiez les droits (groupe dialout).',
  [FlashErrorCode.NOT_IN_SYNC]:
    'Le bootloader ne répond pas. Appuyez sur le bouton reset du Nano juste avant de relancer ; essayez l’autre vitesse (--board nano-old ou --baud 57600 pour l’ancien bootloader, --baud 115200 pour le nouveau) ; vérifiez que le port est bien celui du Nano et pas d’un autre adaptateur.',
  [FlashErrorCode.SIGNATURE]:
    'Ce n’est pas un ATmega328P (Nano à ATmega168 ou autre carte) : utilisez un Nano ATmega328P, ou vérifiez le port.',
  [FlashErrorCode.PROTOCOL]:
    'La liaison s’est coupée pendant l’écriture : vérifiez le câble USB et l’alimentation, puis relancez.',
  [FlashErrorCode.VERIFY]:
    'La mémoire relue ne correspond pas à l’image : relancez une fois ; si l’erreur revient au même endroit, la flash du Nano est usée, remplacez la carte.',
  [FlashErrorCode.FAILED]: 'Relancez avec la même commande ; joignez le message d’avrdude si l’erreur revient.',
  [FlashErrorCode.NO_FIRMATA]:
    'La carte ne répond pas en Firmata à 57600 bauds : relancez le flashage, puis vérifiez que rien d’autre n’utilise le port.',
};

export class FlashError extends Error {
  override readonly name = 'FlashError';
  readonly code: FlashErrorCode;

  constructor(code: FlashErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The technician's next step for this failure. */
  get fix(): string {
    return FLASH_FIXES[this.code];
  }
}

export function isFlashError(err: unknown, code?: FlashErrorCode): err is FlashError {
  return err instanceof FlashError && (code === undefined || err.code === code);
}
