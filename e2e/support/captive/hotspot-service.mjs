// The edge's real hotspot service (ruleset, sessions, lease and station readers, portal) as its own
// process inside the AP namespace, started by hotspot.ts as `ip netns exec <ap> node hotspot-service.mjs
// <config.json>`: only there can the portal listen on the residents' address. Plain JavaScript so it runs
// on Node 20 from edge's build (`npx tsc -b`, which `npm test` runs first); vitest is not in this process.
//
// The edge app wires uplinkUp to its MQTT uplink's state. No fleet server runs in the harness, so this
// process watches the same thing it would lose: a TCP connection through the 4G router to a host on the
// Internet, opened every 250 ms. `harness.internet.setWan(false)` makes those fail, as it makes MQTT fail.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { systemClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { capacityEvent } from '../../../edge/dist/src/events/capacity-event.js';
import { validateHotspotSection } from '../../../edge/dist/src/hotspot/edge-config.js';
import { startHotspotService } from '../../../edge/dist/src/hotspot/service/index.js';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const section = validateHotspotSection(config.section);
const logger = pino({ level: 'debug' }, pino.destination({ dest: config.logFile, sync: true, append: true }));

const WATCH_EVERY_MS = 250;
const CONNECT_TIMEOUT_MS = 1_000;
/** Two misses in a row: one slow connect on a busy 2-core machine is not an outage. */
const MISSES_FOR_DOWN = 2;
let misses = 0;
let checking = false;

function reachInternet() {
  return new Promise((resolve) => {
    const socket = connect({ host: config.uplinkProbe.host, port: config.uplinkProbe.port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function watchUplink() {
  if (checking) return;
  checking = true;
  misses = (await reachInternet()) ? 0 : misses + 1;
  checking = false;
}

const uplinkUp = () => misses < MISSES_FOR_DOWN;
await watchUplink();
const watcher = setInterval(watchUplink, WATCH_EVERY_MS);

// The full-hotspot episodes, as the edge app would publish them (its portal-full events).
const capacityEvents = [];
const onCapacity = (change) => capacityEvents.push(capacityEvent(change));
const service = await startHotspotService(section, { clock: systemClock, logger, uplinkUp, onCapacity });

// GET /aggregate, POST /refresh (aggregate after a kernel read), GET /uplink, GET /capacity (events so far).
const control = createServer((request, response) => {
  const answer = async () => {
    if (request.url === '/uplink') return { up: uplinkUp() };
    if (request.url === '/capacity') return capacityEvents;
    if (request.method === 'POST' && request.url === '/refresh') await service.refresh();
    return service.aggregate();
  };
  answer().then(
    (body) => response.end(JSON.stringify(body)),
    (err) => {
      response.statusCode = 500;
      response.end(String(err));
    },
  );
});
control.listen(config.controlSocket, () => {
  process.stdout.write(`hotspot service ready ${JSON.stringify({ httpPort: service.portal.httpPort })}\n`);
});

process.once('SIGTERM', () => {
  clearInterval(watcher);
  control.close();
  void service.stop().then(() => process.exit(0));
});
