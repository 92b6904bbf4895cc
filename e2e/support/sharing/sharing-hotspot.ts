import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { type HotspotSection, validateHotspotSection } from '../../../edge/src/hotspot/edge-config.js';
import type { HotspotTotals } from '../../../edge/src/hotspot/sessions/totals.js';
import { harnessSection } from '../captive/hotspot.js';

import { type Harness, internetHost, type ManagedProcess } from '../netns/index.js';

const SERVICE_SCRIPT = new URL('../captive/hotspot-service.mjs', import.meta.url).pathname;

/** The parts of the hotspot section the fair-sharing and filter tests vary. */
export type SharingOverrides = Partial<Pick<HotspotSection, 'bandwidth' | 'quota' | 'filter'>>;

/** The harness's hotspot section (captive/hotspot.ts) with other ceilings, quotas or filter. */
export async function sharingSection(harness: Harness, overrides: SharingOverrides): Promise<HotspotSection> {
  return validateHotspotSection({ ...(await harnessSection(harness)), ...overrides });
}

/**
 * The edge's real hotspot service (ruleset, tc ceilings, quota meter, sessions, portal) in the AP
 * namespace, through the same process script as the captive-portal test; restartable with another
 * section, as a config change and restart on the Pi would be.
 */
export class SharingService {
  private process: ManagedProcess | undefined;
  private generation = 0;

  constructor(private readonly harness: Harness) {}

  async start(section: HotspotSection): Promise<void> {
    await this.stop();
    this.generation += 1;
    const dir = this.harness.dir;
    const configFile = join(dir, `sharing-service-${this.generation}.json`);
    await mkdir(join(dir, 'hostapd'), { recursive: true });
    await writeFile(
      configFile,
      JSON.stringify({
        section,
        logFile: join(dir, 'sharing-service.log'),
        controlSocket: this.socket(),
        uplinkProbe: { host: internetHost('neverssl.com').ipv4, port: 80 },
      }),
    );
    this.process = this.harness.ap.spawn(`hotspot-${this.generation}`, process.execPath, [SERVICE_SCRIPT, configFile]);
    await this.process.waitForLine(/hotspot service ready/, { timeoutMs: 20_000 });
  }

  async stop(): Promise<void> {
    await this.process?.stop(5_000);
    this.process = undefined;
  }

  /** The service's counts after a read of the kernel set and counters. */
  aggregate(): Promise<HotspotTotals> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socket(), path: '/refresh', method: 'POST' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(body) as HotspotTotals) : reject(new Error(body)),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  private socket(): string {
    return join(this.harness.dir, `sharing-${this.generation}.sock`);
  }
}
