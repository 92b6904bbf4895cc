/**
 * Stable codes for the legal connection log. They follow the EDG_* scheme of ../errors.ts; tests assert
 * the codes only. Never reuse a code; add new ones at the end.
 */
export const LegalLogErrorCode = {
  /** A conntrack line this parser does not understand: skipped, the stream goes on. */
  CONNTRACK_LINE: 'EDG_LEGAL_CONNTRACK_LINE',
  /** conntrack could not be started (not installed, not permitted). Retried with backoff. */
  CONNTRACK_START: 'EDG_LEGAL_CONNTRACK_START',
  /** conntrack exited while the log was running; restarted with backoff, the gap is recorded. */
  CONNTRACK_EXIT: 'EDG_LEGAL_CONNTRACK_EXIT',
  /** The kernel dropped events (conntrack reported ENOBUFS): a gap is recorded. */
  CONNTRACK_LOST: 'EDG_LEGAL_CONNTRACK_LOST',
  /** The age recipient (public key) in the config is not one. */
  RECIPIENT_INVALID: 'EDG_LEGAL_RECIPIENT',
  /** The identity (private key) file is unreadable or holds no valid age X25519 identity. */
  IDENTITY_INVALID: 'EDG_LEGAL_IDENTITY',
  /** The identity does not open the chunks: they were sealed to another public key. */
  WRONG_KEY: 'EDG_LEGAL_WRONG_KEY',
  /** The last chunk of a file ends before its end marker: a power cut or a failed write. */
  CHUNK_TRUNCATED: 'EDG_LEGAL_CHUNK_TRUNCATED',
  /** A complete chunk that does not decode, authenticate or decompress; or bytes between chunks. */
  CHUNK_CORRUPT: 'EDG_LEGAL_CHUNK_CORRUPT',
  /** A decrypted record that is not one this version writes. */
  RECORD_INVALID: 'EDG_LEGAL_RECORD',
  /** A chunk could not be written and synced; its records are kept in memory and retried. */
  WRITE_FAILED: 'EDG_LEGAL_WRITE',
  /** More records waited than memory allows while writes failed: the oldest were dropped. */
  RECORDS_DROPPED: 'EDG_LEGAL_DROPPED',
  /** The export was asked something impossible (a bad date, a range that ends before it starts). */
  EXPORT_INPUT: 'EDG_LEGAL_EXPORT_INPUT',
  /** The key pair could not be written (the file exists: a key is never overwritten). */
  KEYGEN_WRITE: 'EDG_LEGAL_KEYGEN_WRITE',
} as const;

export type LegalLogErrorCode = (typeof LegalLogErrorCode)[keyof typeof LegalLogErrorCode];

export class LegalLogError extends Error {
  override readonly name = 'LegalLogError';
  readonly code: LegalLogErrorCode;

  constructor(code: LegalLogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isLegalLogError(err: unknown, code?: LegalLogErrorCode): err is LegalLogError {
  return err instanceof LegalLogError && (code === undefined || err.code === code);
}
