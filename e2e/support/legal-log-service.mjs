// The edge's hotspot service with the legal connection log switched on, as its own process inside the
// AP namespace (`ip netns exec <ap> node legal-log-service.mjs <config.json>`), so conntrack runs there
// too. Plain JavaScript from edge's build (`npx tsc -b` first), as support/captive/hotspot-service.mjs.
// SIGTERM stops the service, which seals and syncs the last records before the process exits.
import { readFileSync } from 'node:fs';
import { systemClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { validateHotspotSection } from '../../edge/dist/src/hotspot/edge-config.js';
import { startHotspotService } from '../../edge/dist/src/hotspot/service/index.js';
import { validateLegalLogSection } from '../../edge/dist/src/legal-log/config.js';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const section = validateHotspotSection(config.section);
const legalLog = validateLegalLogSection(config.legalLog);
const logger = pino({ level: 'debug' }, pino.destination({ dest: config.logFile, sync: true, append: true }));

const service = await startHotspotService(section, { clock: systemClock, logger, uplinkUp: () => true, legalLog });
process.stdout.write('legal log hotspot ready\n');

process.once('SIGTERM', () => {
  void service.stop().then(() => {
    process.stdout.write('legal log hotspot stopped\n');
    process.exit(0);
  });
});
