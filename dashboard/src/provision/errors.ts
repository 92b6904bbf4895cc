/**
 * Stable codes for `triporteur-dashboard provision`. Never reuse a code; add new ones at the end.
 * Messages never carry a secret: they end up in a terminal, a shell history or a ticket.
 */
export const ProvisionErrorCode = {
  /** The unit id is not a lower-case slug, or it is the ingest account's name. */
  UNIT_ID: 'DSH_PROVISION_UNIT_ID',
  /** No --legal-log-recipient: a unit must not start its hotspot without a legal log key. */
  RECIPIENT_MISSING: 'DSH_PROVISION_RECIPIENT_MISSING',
  /** The recipient is not an age public key (age1…), or its file holds none or several. */
  RECIPIENT_INVALID: 'DSH_PROVISION_RECIPIENT_INVALID',
  /** The recipient file holds an age PRIVATE key: it must never reach a unit. */
  RECIPIENT_PRIVATE: 'DSH_PROVISION_RECIPIENT_PRIVATE',
  /** The SSH public key file is unreadable, or is not one OpenSSH public key line (or is a private key). */
  SSH_KEY: 'DSH_PROVISION_SSH_KEY',
  /** The template is unreadable, not JSON, or not an object. */
  TEMPLATE: 'DSH_PROVISION_TEMPLATE',
  /** The unit's edge config, once composed, fails the edge's own validation; the message names the field. */
  EDGE_CONFIG: 'DSH_PROVISION_EDGE_CONFIG',
  /** A value given on the command line is malformed (SSID, country code, name, depot passphrase…). */
  INPUT: 'DSH_PROVISION_INPUT',
  /** The unit is in the dashboard config but its bundle (and so its secret) is not in --out. */
  BUNDLE_MISSING: 'DSH_PROVISION_BUNDLE_MISSING',
  /** The bundle's triporteur.json is unreadable, not JSON, or belongs to another unit. */
  BUNDLE_INVALID: 'DSH_PROVISION_BUNDLE_INVALID',
  /** The bundle's secret does not match the unit's hash in the dashboard config. */
  SECRET_MISMATCH: 'DSH_PROVISION_SECRET_MISMATCH',
  /** Writing a bundle file or the dashboard config failed; what was already written is whole. */
  WRITE_FAILED: 'DSH_PROVISION_WRITE_FAILED',
} as const;

export type ProvisionErrorCode = (typeof ProvisionErrorCode)[keyof typeof ProvisionErrorCode];

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
  readonly code: ProvisionErrorCode;

  constructor(code: ProvisionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isProvisionError(err: unknown, code?: ProvisionErrorCode): err is ProvisionError {
  return err instanceof ProvisionError && (code === undefined || err.code === code);
}
