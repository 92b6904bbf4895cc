/** Stable error codes for the fleet dashboard. Never reuse a code; add new ones at the end. */
export const DashboardErrorCode = {
  CONFIG_READ: 'DSH_CONFIG_READ',
  CONFIG_JSON: 'DSH_CONFIG_JSON',
  CONFIG_INVALID: 'DSH_CONFIG_INVALID',
  CONFIG_VERSION: 'DSH_CONFIG_VERSION',
  BROKER_AUTH: 'DSH_BROKER_AUTH',
  BROKER_UNREACHABLE: 'DSH_BROKER_UNREACHABLE',
  BROKER_SUBSCRIBE: 'DSH_BROKER_SUBSCRIBE',
  PORT_IN_USE: 'DSH_PORT_IN_USE',
  LISTEN_FAILED: 'DSH_LISTEN_FAILED',
  STORE_OPEN: 'DSH_STORE_OPEN',
  STORE_SCHEMA: 'DSH_STORE_SCHEMA',
  STORE_WRITE: 'DSH_STORE_WRITE',
  WEB_ASSETS: 'DSH_WEB_ASSETS',
  INTERNAL: 'DSH_INTERNAL',
  BUS_CONNECT: 'DSH_BUS_CONNECT',
  NOT_FOUND: 'DSH_NOT_FOUND',
  UNKNOWN_UNIT: 'DSH_UNKNOWN_UNIT',
  LIVE_FULL: 'DSH_LIVE_FULL',
  BAD_REQUEST: 'DSH_BAD_REQUEST',
} as const;

export type DashboardErrorCode = (typeof DashboardErrorCode)[keyof typeof DashboardErrorCode];

export class DashboardError extends Error {
  override readonly name = 'DashboardError';
  readonly code: DashboardErrorCode;

  constructor(code: DashboardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isDashboardError(err: unknown, code?: DashboardErrorCode): err is DashboardError {
  return err instanceof DashboardError && (code === undefined || err.code === code);
}

/** Maps a failed `listen()` to a coded error a person can act on. */
export function listenError(what: string, host: string, port: number, err: unknown): DashboardError {
  const sysCode = (err as NodeJS.ErrnoException | undefined)?.code;
  if (sysCode === 'EADDRINUSE') {
    return new DashboardError(
      DashboardErrorCode.PORT_IN_USE,
      `${what} cannot listen on ${host}:${port}: the port is already in use`,
      { cause: err },
    );
  }
  return new DashboardError(
    DashboardErrorCode.LISTEN_FAILED,
    `${what} cannot listen on ${host}:${port}: ${(err as Error).message}`,
    { cause: err },
  );
}
