/**
 * Stable codes for generating and provisioning an external Mosquitto broker. Never reuse a code;
 * add new ones at the end. Messages never carry a secret: they may end up in a terminal or a log.
 */
export const MosquittoErrorCode = {
  /** A unit id that is not a lower-case slug (UNIT_ID_PATTERN). */
  UNIT_ID: 'DSH_MOSQUITTO_UNIT_ID',
  /** A broker account name Mosquitto's files cannot hold safely. */
  USERNAME: 'DSH_MOSQUITTO_USERNAME',
  /** Two accounts with one name: a unit listed twice, or a unit named like the ingest account. */
  DUPLICATE_ACCOUNT: 'DSH_MOSQUITTO_DUPLICATE_ACCOUNT',
  /** A path that is relative or holds whitespace or control characters. */
  PATH: 'DSH_MOSQUITTO_PATH',
  HOST: 'DSH_MOSQUITTO_HOST',
  PORT: 'DSH_MOSQUITTO_PORT',
  /** TLS asked for without all of port, CA, certificate and key. */
  TLS_INCOMPLETE: 'DSH_MOSQUITTO_TLS_INCOMPLETE',
  /** An empty secret, or one with a line break Mosquitto's tools cannot take. */
  SECRET: 'DSH_MOSQUITTO_SECRET',
  /** mosquitto_passwd is not installed or could not be started. */
  PASSWD_MISSING: 'DSH_MOSQUITTO_PASSWD_MISSING',
  /** mosquitto_passwd ran and failed (unwritable file, timeout…). */
  PASSWD_FAILED: 'DSH_MOSQUITTO_PASSWD_FAILED',
  /** The secrets file is unreadable, not JSON, or names an account the dashboard config does not have. */
  SECRETS_FILE: 'DSH_MOSQUITTO_SECRETS_FILE',
  /** A secret from the secrets file does not match the unit's secretHash in the dashboard config. */
  SECRET_MISMATCH: 'DSH_MOSQUITTO_SECRET_MISMATCH',
  /** provision-unit for an id the config already has. */
  DUPLICATE_UNIT: 'DSH_MOSQUITTO_DUPLICATE_UNIT',
  /** The dashboard config changed on disk while provision-unit was editing it. */
  CONFIG_CHANGED: 'DSH_MOSQUITTO_CONFIG_CHANGED',
  /** Writing a generated file (dashboard config, ACL, mosquitto.conf) failed. */
  WRITE_FAILED: 'DSH_MOSQUITTO_WRITE_FAILED',
} as const;

export type MosquittoErrorCode = (typeof MosquittoErrorCode)[keyof typeof MosquittoErrorCode];

export class MosquittoError extends Error {
  override readonly name = 'MosquittoError';
  readonly code: MosquittoErrorCode;

  constructor(code: MosquittoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isMosquittoError(err: unknown, code?: MosquittoErrorCode): err is MosquittoError {
  return err instanceof MosquittoError && (code === undefined || err.code === code);
}
