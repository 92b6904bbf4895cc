import { DashboardError, DashboardErrorCode } from '../errors.js';

/** CONNACK return codes (MQTT 3.1.1) and reason codes (MQTT 5) that mean "your credentials are wrong". */
const AUTH_REFUSED = new Set([4, 5, 134, 135]);

/** Turns what mqtt.js reports on a failed connect into a coded error that says what to check. */
export function brokerConnectError(url: string, username: string, err: unknown): DashboardError {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number' && AUTH_REFUSED.has(code)) {
    return new DashboardError(
      DashboardErrorCode.BROKER_AUTH,
      `the broker at ${url} refused user "${username}": check the broker username and password`,
      { cause: err },
    );
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new DashboardError(DashboardErrorCode.BROKER_UNREACHABLE, `cannot reach the broker at ${url}: ${reason}`, {
    cause: err,
  });
}
