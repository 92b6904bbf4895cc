/**
 * Codes for every answer the portal refuses or cannot give: the EDG_PORTAL_* family, kept beside the
 * HTTP answers they label, with EdgeErrorCode's naming and never-reuse rule (listed together in
 * docs/configuration.md). The code is sent in the `x-error-code` header and in the body of every such answer.
 */
export const PortalErrorCode = {
  /** A query or form that breaks its schema: unknown field, bad language, duplicate field, bad answer. */
  BAD_REQUEST: 'EDG_PORTAL_BAD_REQUEST',
  /** No Host header, or one that is not a DNS name or IP literal with an optional port. */
  BAD_HOST: 'EDG_PORTAL_BAD_HOST',
  /** A request for another site that the portal cannot answer with its redirect (not GET/HEAD, or over TLS). */
  FOREIGN_HOST: 'EDG_PORTAL_FOREIGN_HOST',
  /** Path traversal, a NUL or backslash, bad percent-encoding, a target that is not a path, or too long. */
  BAD_PATH: 'EDG_PORTAL_BAD_PATH',
  NOT_FOUND: 'EDG_PORTAL_NOT_FOUND',
  BODY_TOO_LARGE: 'EDG_PORTAL_BODY_TOO_LARGE',
  HEADERS_TOO_LARGE: 'EDG_PORTAL_HEADERS_TOO_LARGE',
  UNSUPPORTED_MEDIA: 'EDG_PORTAL_UNSUPPORTED_MEDIA',
  /** Bytes that do not parse as HTTP/1.1 (answered on the socket, before any route). */
  MALFORMED: 'EDG_PORTAL_MALFORMED',
  /** The client sent its request too slowly. */
  TIMEOUT: 'EDG_PORTAL_TIMEOUT',
  /** "Se connecter" without a valid token for this address, or from another site's page. */
  CSRF: 'EDG_PORTAL_CSRF',
  /** The session gate has no lease for this address. */
  UNKNOWN_CLIENT: 'EDG_PORTAL_UNKNOWN_CLIENT',
  RATE_LIMITED: 'EDG_PORTAL_RATE_LIMITED',
  /** Not bad input: the Wi-Fi chip's client ceiling is reached (503). */
  FULL: 'EDG_PORTAL_FULL',
  /** Not bad input: the device has used its daily volume allowance (403 until local midnight). */
  QUOTA: 'EDG_PORTAL_QUOTA',
  /** Not bad input: a probe from an accepted client while the 4G uplink is down (503, never a fake success). */
  UPLINK_DOWN: 'EDG_PORTAL_UPLINK_DOWN',
  INTERNAL: 'EDG_PORTAL_INTERNAL',
  /** At start-up: a language catalog is missing, unreadable, or lacks keys the French one has. */
  CATALOG: 'EDG_PORTAL_CATALOG',
} as const;

export type PortalErrorCode = (typeof PortalErrorCode)[keyof typeof PortalErrorCode];

export const ERROR_CODE_HEADER = 'x-error-code';

/** Thrown at start-up only; request-time refusals are answers, not exceptions. */
export class PortalError extends Error {
  override readonly name = 'PortalError';
  readonly code: PortalErrorCode;

  constructor(code: PortalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
