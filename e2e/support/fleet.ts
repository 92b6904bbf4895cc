import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hashSecret,
  type Role,
  type RunningDashboard,
  startDashboard,
  validateDashboardConfig,
} from '@triporteur/dashboard';
import { pino } from 'pino';

export const quietLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface UnitCredentials {
  id: string;
  name: string;
  password: string;
}

export function makeUnits(ids: string[]): UnitCredentials[] {
  return ids.map((id, i) => ({ id, name: `Triporteur ${i + 1}`, password: randomBytes(12).toString('base64url') }));
}

/** A dashboard with a fresh SQLite file; embedded aedes unless an external broker is given. */
/** Config sections a test may add: the fleet model's (zones, time zone) and the web page's. */
export interface ExtraConfig {
  fleet?: Record<string, unknown>;
  ui?: Record<string, unknown>;
}

export async function startTestDashboard(
  units: UnitCredentials[],
  external?: { url: string; username: string; password: string; caFile?: string },
  extra: ExtraConfig = {},
): Promise<RunningDashboard & { dbPath: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fleet-'));
  const dbPath = join(dir, 'fleet.db');
  const config = validateDashboardConfig({
    configVersion: 1,
    // Loopback only, so plain-HTTP session cookies are allowed (auth/plugin.ts refuses other hosts).
    http: { host: '127.0.0.1', port: 0, cookieSecure: false },
    broker: external ? { mode: 'external', ...external } : { mode: 'embedded', host: '127.0.0.1', port: 0 },
    store: { path: dbPath },
    ...extra,
    units: await Promise.all(
      units.map(async (u) => ({ id: u.id, name: u.name, secretHash: await hashSecret(u.password) })),
    ),
  });
  const dashboard = await startDashboard(config, { logger: quietLogger });
  return Object.assign(dashboard, { dbPath });
}

/** A coordinator account on the dashboard, for a browser to log in with. */
export function addCoordinator(dashboard: RunningDashboard): Promise<{ username: string; password: string }> {
  return addUser(dashboard, 'coordinator', 'coordination');
}

/** An account of any role (coordinator, technician, admin, viewer). */
export async function addUser(
  dashboard: RunningDashboard,
  role: Role,
  username: string = role,
): Promise<{ username: string; password: string }> {
  const account = { username, password: randomBytes(12).toString('base64url') };
  await dashboard.users.createUser({ ...account, role });
  return account;
}

export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
