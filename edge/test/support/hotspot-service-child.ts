import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { systemClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { validateHotspotSection } from '../../src/hotspot/edge-config.js';
import { startHotspotService } from '../../src/hotspot/service/hotspot-service.js';
import { createExecFileRunner } from '../../src/hotspot/system/command.js';

/**
 * The edge's hotspot service as its own process, run from dist/ by hotspot-service-netns.test.ts inside
 * the AP namespace (`ip netns exec <ap> node …`): only there can the portal listen on the residents'
 * address. Arguments: the section (JSON file), the namespace (for nft, through the runner), a control
 * socket and a log file. The test reads the service over the socket: GET /aggregate, POST /refresh.
 * SIGTERM stops the service (leaving the ruleset) and then the process.
 */
const [sectionFile = '', netns = '', controlSocket = '', logFile = ''] = process.argv.slice(2);
const section = validateHotspotSection(JSON.parse(readFileSync(sectionFile, 'utf8')));
const logger = pino({ level: 'debug' }, pino.destination({ dest: logFile, sync: true, append: true }));

const service = await startHotspotService(section, {
  runner: createExecFileRunner({ netns }),
  clock: systemClock,
  logger,
  uplinkUp: () => true,
});

const control = createServer((request, response) => {
  const answer = async () => {
    if (request.method === 'POST' && request.url === '/refresh') await service.refresh();
    return service.aggregate();
  };
  answer().then(
    (body) => response.end(JSON.stringify(body)),
    (err: unknown) => {
      response.statusCode = 500;
      response.end(String(err));
    },
  );
});
control.listen(controlSocket, () => process.stdout.write('hotspot service ready\n'));

process.once('SIGTERM', () => {
  control.close();
  void service.stop().then(() => process.exit(0));
});
