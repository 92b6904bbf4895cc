/**
 * Stable error codes of the fleet model (zones file, fleet config). Never reuse a code; add new ones at
 * the end. They follow the dashboard's DSH_* naming so an operator reads one family of codes.
 */
export const FleetErrorCode = {
  ZONES_READ: 'DSH_ZONES_READ',
  ZONES_JSON: 'DSH_ZONES_JSON',
  ZONES_SCHEMA: 'DSH_ZONES_SCHEMA',
  ZONES_GEOMETRY: 'DSH_ZONES_GEOMETRY',
  ZONES_DUPLICATE: 'DSH_ZONES_DUPLICATE',
  ZONES_TOO_BIG: 'DSH_ZONES_TOO_BIG',
} as const;

export type FleetErrorCode = (typeof FleetErrorCode)[keyof typeof FleetErrorCode];

export class FleetError extends Error {
  override readonly name = 'FleetError';
  readonly code: FleetErrorCode;

  constructor(code: FleetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isFleetError(err: unknown, code?: FleetErrorCode): err is FleetError {
  return err instanceof FleetError && (code === undefined || err.code === code);
}
