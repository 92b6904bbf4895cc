import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { systemClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { edgeDistModule } from './paths.js';

type EdgeConfigModule = typeof import('../../../edge/src/hotspot/edge-config.js');
type ServiceModule = typeof import('../../../edge/src/hotspot/service/index.js');

/** Printed once the portal listens and the ruleset is in place. */
export const SERVICE_READY = 'portal bench: hotspot service ready';

/**
 * The edge's hotspot service as the bench runs it: its own process inside the AP namespace (started
 * there with `ip netns exec`, pinned by the caller), as the edge runs it on the Pi: the ruleset applied
 * with the real nft, sessions over dnsmasq's lease events, the portal on the residents' address, logs at
 * info level. hostapd_cli finds no hostapd (no radio here) and keeps retrying, as on a Pi whose radio is
 * down; no station is needed to accept a client. It writes the dnsmasq.conf rendered from the same
 * section for the caller to start dnsmasq with. SIGTERM stops the service, then the process.
 *
 * Arguments: <section.json> <dnsmasq.conf to write> <log file>.
 */
async function main([sectionFile, dnsmasqConf, logFile]: string[]): Promise<void> {
  if (sectionFile === undefined || dnsmasqConf === undefined || logFile === undefined) {
    throw new Error('usage: service-child.js <section.json> <dnsmasq.conf> <log file>');
  }
  const config = (await import(pathToFileURL(edgeDistModule('hotspot/edge-config.js')).href)) as EdgeConfigModule;
  const service = (await import(pathToFileURL(edgeDistModule('hotspot/service/index.js')).href)) as ServiceModule;
  const section = config.validateHotspotSection(JSON.parse(await readFile(sectionFile, 'utf8')));
  writeFileSync(dnsmasqConf, service.renderHotspotFiles(section)['dnsmasq.conf']);
  const logger = pino({ level: 'info' }, pino.destination({ dest: logFile, append: true }));
  const running = await service.startHotspotService(section, {
    clock: systemClock,
    logger,
    uplinkUp: () => true,
  });
  process.stdout.write(`${SERVICE_READY}\n`);
  process.once('SIGTERM', () => {
    void running.stop().finally(() => process.exit(0));
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
