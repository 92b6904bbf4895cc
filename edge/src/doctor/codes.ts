/**
 * Every code doctor can answer. hardware/TROUBLESHOOTING.md has one row per code (a test keeps the two in
 * step), so a technician on the phone with the workshop reads out the code, not the sentence.
 */
export const DoctorCode = {
  OK: 'DOC_OK',
  /** The check itself threw: a bug in doctor, reported rather than hidden. */
  CHECK_CRASHED: 'DOC_CHECK_CRASHED',
  /** A check that does not apply to this unit's config (no GPS configured, no modem…): a warn-free skip. */
  NOT_CONFIGURED: 'DOC_NOT_CONFIGURED',

  // Serial devices (BMS, motor controller, GPS, Arduino)
  /** The configured device path does not exist: adapter unplugged, or the udev rule did not name it. */
  SERIAL_MISSING: 'DOC_SERIAL_MISSING',
  /** The path exists but is a plugging-order name (/dev/ttyUSB0, /dev/ttyACM0) that may point at another device after a reboot. */
  SERIAL_UNSTABLE: 'DOC_SERIAL_UNSTABLE',
  /** The path exists but cannot be opened: permissions (dialout), or another process holds it. */
  SERIAL_BUSY: 'DOC_SERIAL_BUSY',
  /** Opened, asked, nothing came back: device unplugged from its adapter, asleep, unpowered, or TX/RX swapped. */
  SERIAL_SILENT: 'DOC_SERIAL_SILENT',
  /** Bytes come back but never a valid frame at the configured speed, and they do at another one. */
  SERIAL_BAUD: 'DOC_SERIAL_BAUD',
  /** Bytes come back but never a valid frame at any usual speed: wrong protocol/type, noise, RS485 A/B swapped. */
  SERIAL_GARBLED: 'DOC_SERIAL_GARBLED',
  /** Our own request comes back unchanged: TX wired to RX (a loop), not to the device. */
  SERIAL_ECHO: 'DOC_SERIAL_ECHO',

  // GPS and time
  GPS_NO_FIX: 'DOC_GPS_NO_FIX',
  CLOCK_UNSYNCED: 'DOC_CLOCK_UNSYNCED',

  // Hotspot
  SERVICE_DOWN: 'DOC_SERVICE_DOWN',
  NFT_MISSING: 'DOC_NFT_MISSING',
  NFT_DRIFT: 'DOC_NFT_DRIFT',
  PORTAL_UNREACHABLE: 'DOC_PORTAL_UNREACHABLE',
  WIFI_CEILING_LOW: 'DOC_WIFI_CEILING_LOW',

  // Uplink
  BROKER_UNREACHABLE: 'DOC_BROKER_UNREACHABLE',
  BROKER_AUTH: 'DOC_BROKER_AUTH',
  OUTBOX_BACKLOG: 'DOC_OUTBOX_BACKLOG',
  OUTBOX_UNREADABLE: 'DOC_OUTBOX_UNREADABLE',
  MODEM_ABSENT: 'DOC_MODEM_ABSENT',
  MODEM_UNREGISTERED: 'DOC_MODEM_UNREGISTERED',
  SIGNAL_WEAK: 'DOC_SIGNAL_WEAK',

  // Storage
  DISK_LOW: 'DOC_DISK_LOW',
  SD_WEAR: 'DOC_SD_WEAR',

  // Config
  CONFIG_INVALID: 'DOC_CONFIG_INVALID',
} as const;

export type DoctorCode = (typeof DoctorCode)[keyof typeof DoctorCode];

export const DOCTOR_CODES: readonly DoctorCode[] = Object.values(DoctorCode);
