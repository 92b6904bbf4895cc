import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { RaisedEvent } from '../../../edge/src/events/unit-events.js';
import { type HotspotSection, validateHotspotSection } from '../../../edge/src/hotspot/edge-config.js';
import { renderHotspotFiles } from '../../../edge/src/hotspot/service/files.js';
import type { HotspotTotals } from '../../../edge/src/hotspot/sessions/totals.js';
import { LEASE_EVENTS_ENV } from '../../../edge/src/hotspot/system/dnsmasq.js';
import { type Harness, internetHost, type ManagedProcess, PLAN } from '../netns/index.js';

/** The portal's default name: dnsmasq answers it with the Pi's address, the redirects and option 114 use it. */
export const PORTAL_HOST = 'portail.home.arpa';
export const LANDING_URL = `http://${PORTAL_HOST}/`;
export const CAPTIVE_API_URL = `https://${PORTAL_HOST}/captive-portal/api`;
/** The shortest idle timeout the hotspot section accepts (the portal's schema: 60 s; the system layer's: 10 s). */
export const IDLE_TIMEOUT_S = 60;

const SERVICE_SCRIPT = new URL('./hotspot-service.mjs', import.meta.url).pathname;
const SERVICE_BUILD = new URL('../../../edge/dist/src/hotspot/service/hotspot-service.js', import.meta.url).pathname;
const LEASE_HOOK = new URL('../../../hardware/hotspot/lease-hook.sh', import.meta.url).pathname;

/**
 * The hotspot section as an installer would write it, fitted to the harness: residents on the AP's
 * bridge, NAT out of its `uplink`, every path private to this run, the harness CA's certificate for the
 * portal (so option 114 is sent), and the shortest idle timeout the section allows.
 */
export async function harnessSection(harness: Harness): Promise<HotspotSection> {
  const tls = await harness.ca.issue('portal', [PORTAL_HOST]);
  const { ap } = PLAN;
  return validateHotspotSection({
    residents: {
      interface: ap.bridge,
      subnet: ap.lanSubnet4,
      address: ap.lan4,
      dhcpRange: { start: ap.dhcpRange4[0], end: ap.dhcpRange4[1] },
    },
    uplink: { interfaces: [ap.uplink] },
    // No radio here: hostapd_cli finds no hostapd in this private directory and keeps retrying. No
    // survey: the edge would write a hostapd.conf and restart the host's hostapd unit.
    wifi: { controlDir: join(harness.dir, 'hostapd'), survey: false },
    portal: { hostname: PORTAL_HOST, tls },
    sessions: { idleTimeoutS: IDLE_TIMEOUT_S },
    paths: {
      leaseFile: join(harness.dir, 'hotspot.leases'),
      leaseHook: LEASE_HOOK,
      leaseEvents: join(harness.dir, 'run', 'lease-events.jsonl'),
    },
    pages: { venue: { associationName: 'PIMMS Médiation Lyon', contact: 'dpo@pimms-lyon.example' } },
  });
}

/** dnsmasq from the section's rendered dnsmasq.conf, with the real lease hook, in the AP namespace. */
export async function startDnsmasq(harness: Harness, section: HotspotSection): Promise<ManagedProcess> {
  const conf = join(harness.dir, 'dnsmasq.conf');
  await writeFile(conf, renderHotspotFiles(section)['dnsmasq.conf']);
  const dnsmasq = harness.ap.spawn(
    'dnsmasq',
    'dnsmasq',
    [
      '--keep-in-foreground',
      `--conf-file=${conf}`,
      `--pid-file=${join(harness.dir, 'dnsmasq.pid')}`,
      '--log-facility=-',
    ],
    { env: { ...process.env, [LEASE_EVENTS_ENV]: section.paths.leaseEvents } },
  );
  await dnsmasq.waitForLine(/started, version/);
  return dnsmasq;
}

/**
 * The Pi's side of the hotspot in the AP namespace: dnsmasq from the rendered dnsmasq.conf, with the
 * real lease hook, then (startService) the edge's hotspot service, which applies the ruleset and serves
 * the portal. Both are stopped by harness.close().
 */
export class CaptiveHotspot {
  service: ManagedProcess | undefined;
  private readonly controlSocket: string;
  readonly logFile: string;

  private constructor(
    private readonly harness: Harness,
    readonly section: HotspotSection,
    readonly dnsmasq: ManagedProcess,
  ) {
    this.controlSocket = join(harness.dir, 'hotspot.sock');
    this.logFile = join(harness.dir, 'hotspot.log');
  }

  /** Starts dnsmasq only: DHCP and DNS work, nothing is filtered yet. `section`: harnessSection's by default. */
  static async startDnsmasq(harness: Harness, section?: HotspotSection): Promise<CaptiveHotspot> {
    const chosen = section ?? (await harnessSection(harness));
    return new CaptiveHotspot(harness, chosen, await startDnsmasq(harness, chosen));
  }

  /** Starts the edge's hotspot service (from edge's build) and waits until its portal listens. */
  async startService(): Promise<void> {
    if (!existsSync(SERVICE_BUILD)) throw new Error(`${SERVICE_BUILD} is missing: run \`npx tsc -b\` first`);
    const configFile = join(this.harness.dir, 'hotspot-service.json');
    // The uplink watch's target: a host beyond the 4G router, as the fleet server would be.
    const target = internetHost('neverssl.com').ipv4;
    await mkdir(join(this.harness.dir, 'hostapd'), { recursive: true });
    await writeFile(
      configFile,
      JSON.stringify({
        section: this.section,
        logFile: this.logFile,
        controlSocket: this.controlSocket,
        uplinkProbe: { host: target, port: 80 },
      }),
    );
    this.service = this.harness.ap.spawn('hotspot', process.execPath, [SERVICE_SCRIPT, configFile]);
    await this.service.waitForLine(/hotspot service ready/, { timeoutMs: 20_000 });
  }

  /** The service's counts as they stand (`refresh` first reads the kernel set and counters). */
  aggregate(options: { refresh?: boolean } = {}): Promise<HotspotTotals> {
    return options.refresh ? this.control('POST', '/refresh') : this.control('GET', '/aggregate');
  }

  /** The portal-full events raised so far, exactly as the edge app would publish them (capacityEvent). */
  capacityEvents(): Promise<RaisedEvent[]> {
    return this.control('GET', '/capacity');
  }

  async uplinkUp(): Promise<boolean> {
    return (await this.control<{ up: boolean }>('GET', '/uplink')).up;
  }

  /** The addresses in the kernel's allowed set right now, read in the AP (no packet from any client). */
  async allowedIps(): Promise<string[]> {
    const { stdout } = await this.harness.ap.exec('nft', ['list', 'set', 'inet', 'triporteur', 'allowed']);
    return [...stdout.matchAll(/(\d+\.\d+\.\d+\.\d+) \. [0-9a-f:]{17}/g)].map((match) => match[1] ?? '');
  }

  /** The service's log lines at info level and above, as JSON text. */
  async infoLogLines(): Promise<string[]> {
    const lines = (await readFile(this.logFile, 'utf8')).split('\n').filter((line) => line !== '');
    return lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 30);
  }

  private control<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.controlSocket, path, method }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as T) : reject(new Error(body))));
      });
      req.on('error', reject);
      req.end();
    });
  }
}
