import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CaptiveHotspot } from './captive/hotspot.js';
import type { Client, Harness, ManagedProcess } from './netns/index.js';

const SERVICE_SCRIPT = new URL('./legal-log-service.mjs', import.meta.url).pathname;
const SERVICE_BUILD = new URL('../../edge/dist/src/legal-log/config.js', import.meta.url).pathname;

/**
 * The hotspot of the captive-portal tests (real dnsmasq, ruleset, sessions, portal) with the legal
 * connection log on: conntrack runs in the AP namespace beside the service, sealing to `publicKey`.
 */
export class LegalLogHotspot {
  private constructor(
    readonly hotspot: CaptiveHotspot,
    readonly service: ManagedProcess,
    readonly directory: string,
    readonly logFile: string,
  ) {}

  static async start(harness: Harness, publicKey: string): Promise<LegalLogHotspot> {
    if (!existsSync(SERVICE_BUILD)) throw new Error(`${SERVICE_BUILD} is missing: run \`npx tsc -b\` first`);
    const hotspot = await CaptiveHotspot.startDnsmasq(harness);
    const directory = join(harness.dir, 'legal-log');
    const logFile = join(harness.dir, 'legal-log-service.log');
    const configFile = join(harness.dir, 'legal-log-service.json');
    await mkdir(join(harness.dir, 'hostapd'), { recursive: true });
    await writeFile(
      configFile,
      JSON.stringify({
        section: hotspot.section,
        legalLog: { directory, publicKey, flushIntervalMs: 200 },
        logFile,
      }),
    );
    const service = harness.ap.spawn('legal-log-hotspot', process.execPath, [SERVICE_SCRIPT, configFile]);
    await service.waitForLine(/legal log hotspot ready/, { timeoutMs: 20_000 });
    return new LegalLogHotspot(hotspot, service, directory, logFile);
  }

  /** Stops the service: the legal log seals and syncs what it holds before the process ends. */
  async stop(): Promise<void> {
    this.service.child.kill('SIGTERM');
    await this.service.waitForLine(/legal log hotspot stopped/, { timeoutMs: 10_000 });
    await this.service.exited;
  }

  async logLines(): Promise<Array<Record<string, unknown>>> {
    const text = await readFile(this.logFile, 'utf8');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

const CONNECT_FROM = `
const socket = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]), localPort: Number(process.argv[3]) });
socket.setTimeout(3000, () => { console.log('TIMEOUT'); socket.destroy(); });
socket.on('connect', () => { console.log('CONNECTED'); socket.end(); });
socket.on('error', (error) => console.log(error.code));`;

/** A TCP connection from the client with a chosen source port; resolves with how it went (CONNECTED…). */
export async function connectFromPort(client: Client, ip: string, port: number, localPort: number): Promise<string> {
  const result = await client.exec(process.execPath, ['-e', CONNECT_FROM, ip, String(port), String(localPort)]);
  return result.stdout.trim();
}
