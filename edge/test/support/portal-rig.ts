import { Writable } from 'node:stream';
import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import type { PortalConfig } from '../../src/hotspot/portal/config.js';
import { buildPortal, type Portal, type RunningPortal, startPortal } from '../../src/hotspot/portal/portal.js';
import { InMemoryGate } from './portal-gate.js';

export const PORTAL_HOST = 'portail.triporteur.test';
export const API_PATH = '/captive-portal/api';
/** Addresses on the hotspot subnet the tests use; none of them may ever appear in an info log line. */
export const RESIDENT = '10.42.0.23';
export const NEIGHBOUR = '10.42.0.24';

export function portalConfig(overrides: Partial<PortalConfig> = {}): PortalConfig {
  return {
    host: '127.0.0.1',
    httpPort: 0,
    httpsPort: 0,
    portalHostname: PORTAL_HOST,
    apiPath: API_PATH,
    venue: {
      associationName: 'PIMMS Médiation Test',
      contact: 'dpo@pimms.test',
      address: '1 rue de la Paix, 69000 Lyon',
      publicServices: [
        { label: 'France Services', url: 'https://www.france-services.gouv.fr/' },
        { label: 'Service-Public.fr', url: 'https://www.service-public.fr/' },
      ],
    },
    languages: ['fr', 'ar', 'en', 'es', 'pt', 'tr'],
    questionnaire: { enabled: false },
    sessionTimeoutS: 4 * 3600,
    idleTimeoutS: 15 * 60,
    rateLimit: { burst: 40, perSecond: 4 },
    ...overrides,
  };
}

export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

/** A pino logger at debug whose lines the test can read back. */
export function capturingLogger() {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  /** Raw lines at info (30) or above. */
  const infoAndAbove = () => raw.filter((_line, i) => (lines[i]?.level ?? 0) >= 30);
  return { logger, lines, infoAndAbove };
}

export interface PortalRig {
  portal: Portal;
  gate: InMemoryGate;
  clock: ManualClock;
  log: ReturnType<typeof capturingLogger>;
}

const open: { portal: Portal; log: ReturnType<typeof capturingLogger> }[] = [];
afterEach(async () => {
  const rigs = open.splice(0);
  for (const { portal } of rigs) await portal.close();
  // Every page any test rendered used only keys the catalogs have.
  const missing = rigs.flatMap(({ log }) => log.lines.filter((line) => line.msg === 'portal catalog key missing'));
  if (missing.length > 0) throw new Error(`catalog keys missing: ${JSON.stringify(missing)}`);
});

/** A portal with no listener (tests use inject()), closed after each test. */
export function portalRig(overrides: Partial<PortalConfig> = {}): PortalRig {
  const clock = new ManualClock();
  const gate = new InMemoryGate(clock).lease(RESIDENT, NEIGHBOUR);
  const log = capturingLogger();
  const portal = buildPortal({ gate, config: portalConfig(overrides), logger: log.logger, clock });
  open.push({ portal, log });
  return { portal, gate, clock, log };
}

/** The same, listening on loopback. */
export async function runningPortalRig(
  overrides: Partial<PortalConfig> = {},
  leases: string[] = [RESIDENT, NEIGHBOUR],
): Promise<PortalRig & { portal: RunningPortal }> {
  const clock = new ManualClock();
  const gate = new InMemoryGate(clock).lease(...leases);
  const log = capturingLogger();
  const portal = await startPortal({ gate, config: portalConfig(overrides), logger: log.logger, clock });
  open.push({ portal, log });
  return { portal, gate, clock, log };
}

/** Extracts the CSRF token from a rendered landing page. */
export function csrfFrom(page: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error('no csrf field in the page');
  return token;
}
