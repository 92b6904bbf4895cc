import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Harness, PLAN } from '../../support/netns/index.js';
import { onPortalCpu, type Pinning } from './pinning.js';
import { type AcceptTrace, delay, type PortalUnderTest, type StartedPortal, stepTimer } from './portal.js';
import { SERVICE_READY } from './service-child.js';
import { firstLook, openSheet, type Sheet, SheetError, tap } from './sheet.js';

const SERVICE_CHILD = join(dirname(fileURLToPath(import.meta.url)), 'service-child.js');

/** The variable the lease hook reads (edge/src/hotspot/system/dnsmasq.ts LEASE_EVENTS_ENV). */
export const LEASE_EVENTS_ENV = 'TRIPORTEUR_LEASE_EVENTS';

/**
 * The per-address rate limit, lifted for the bench: the flood comes from a handful of clients, and
 * the default (a burst of 40, then 4 a second) would measure the limiter, not the portal.
 */
export const BENCH_RATE_LIMIT = { burst: 1_000_000, perSecond: 1_000_000 } as const;

export interface BenchFiles {
  section: string;
  dnsmasqConf: string;
  log: string;
  leaseFile: string;
  leaseEvents: string;
  hostapdControl: string;
}

export function benchFiles(dir: string): BenchFiles {
  return {
    section: join(dir, 'hotspot-section.json'),
    dnsmasqConf: join(dir, 'dnsmasq.conf'),
    log: join(dir, 'hotspot.log'),
    leaseFile: join(dir, 'dnsmasq.leases'),
    leaseEvents: join(dir, 'lease-events.jsonl'),
    hostapdControl: join(dir, 'hostapd'),
  };
}

/**
 * The edge config's hotspot section for the harness: residents on its bridge, the uplink to its
 * "4G router", DNS forwarded there, every path private to the run, the repo's lease hook, no TLS
 * (openNDS has none either, and no option-114 client is measured), defaults elsewhere.
 */
export function benchSection(files: BenchFiles, leaseHook: string) {
  const { ap, internet } = PLAN;
  return {
    residents: {
      interface: ap.bridge,
      address: ap.lan4,
      subnet: ap.lanSubnet4,
      dhcpRange: { start: ap.dhcpRange4[0], end: ap.dhcpRange4[1] },
    },
    // No survey: no radio, and the host's hostapd unit is not the bench's to restart.
    wifi: { controlDir: files.hostapdControl, survey: false },
    uplink: { interfaces: [ap.uplink] },
    dns: { upstreamServers: [internet.router4] },
    paths: { leaseFile: files.leaseFile, leaseHook, leaseEvents: files.leaseEvents },
    pages: {
      venue: { associationName: 'Banc d’essai du portail', contact: 'bench@example.org' },
      rateLimit: BENCH_RATE_LIMIT,
    },
  };
}

/** At most this many taps when the portal has not yet heard of the client's lease. */
const MAX_TAPS = 20;

/** Probe, open the sheet, tap "Se connecter"; tap again if the portal has not yet seen the lease. */
async function acceptOurs(sheet: Sheet): Promise<AcceptTrace> {
  const steps = stepTimer();
  const portalUrl = await firstLook(sheet);
  steps.mark();
  for (let taps = 1; ; taps++) {
    const landing = await openSheet(sheet, portalUrl);
    if (taps === 1) steps.mark();
    const answer = await tap(sheet, landing, 'csrf');
    if (answer.page.status === 200) {
      steps.mark();
      return steps.trace(taps, answer.page.ms);
    }
    if (taps >= MAX_TAPS) {
      throw new SheetError('BENCH_PORTAL_REFUSED', `${sheet.client.name}: "Se connecter" got ${answer.page.status}`);
    }
    await delay(100);
  }
}

async function startOurs(harness: Harness, pinning: Pinning | undefined, leaseHook: string): Promise<StartedPortal> {
  const dir = join(harness.dir, 'ours');
  await mkdir(dir, { recursive: true });
  const files = benchFiles(dir);
  await writeFile(files.section, JSON.stringify(benchSection(files, leaseHook)));
  const [node, ...serviceArgs] = onPortalCpu(pinning, [
    process.execPath,
    SERVICE_CHILD,
    files.section,
    files.dnsmasqConf,
    files.log,
  ]);
  const service = harness.ap.spawn('hotspot', node as string, serviceArgs);
  await service.waitForLine(new RegExp(SERVICE_READY), { timeoutMs: 30_000 });
  const [dnsmasq, ...dnsmasqArgs] = onPortalCpu(pinning, [
    'dnsmasq',
    '--keep-in-foreground',
    `--conf-file=${files.dnsmasqConf}`,
    `--pid-file=${join(dir, 'dnsmasq.pid')}`,
    '--log-facility=-',
  ]);
  const dhcp = harness.ap.spawn('dnsmasq', dnsmasq as string, dnsmasqArgs, {
    env: { ...process.env, [LEASE_EVENTS_ENV]: files.leaseEvents },
  });
  await dhcp.waitForLine(/started, version/, { timeoutMs: 10_000 });
  return { accept: acceptOurs, captiveStatus: 302, version: `edge hotspot service on Node ${process.versions.node}` };
}

export function ours(leaseHook: string): PortalUnderTest {
  return {
    key: 'ours',
    label: 'ours (edge hotspot service)',
    start: (harness, pinning) => startOurs(harness, pinning, leaseHook),
  };
}
