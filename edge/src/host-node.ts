import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { openSerialTransport, systemClock } from '@triporteur/firmware-bridge';
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import type { Host } from './host.js';

/** The real host: the Pi's serial ports, the network, the file system and the wall clock. */
export function nodeHost(logger: Logger): Host {
  return {
    openSerial: (options) => openSerialTransport(options),
    connectMqtt: (url, options) => mqtt.connect(url, options),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    clock: systemClock,
    logger,
    randomId: () => randomUUID(),
  };
}
