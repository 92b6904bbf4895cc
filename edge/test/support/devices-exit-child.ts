import { openSerialTransport, systemClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { startDevices } from '../../src/devices/index.js';
import { startSimulatedDevices } from '../../src/simulation/devices.js';

/**
 * Run by devices-simulated.test.ts as its own process (from dist/): a whole simulated tricycle
 * read by the device layer until every kind has a sample, then both stopped. It prints the kinds
 * seen and returns; the process must then exit by itself, which it cannot with a leaked handle.
 */
const simulated = await startSimulatedDevices({ devices: ['bms', 'motor', 'gps', 'aux'], timeScale: 10 });
const { bms, motor, gps, aux } = simulated.config;
if (!bms) throw new Error('no simulated BMS');
const devices = await startDevices(
  { bms: { ...bms, pollIntervalMs: 300 }, motor, gps, aux },
  { openSerial: openSerialTransport, clock: systemClock, logger: pino({ level: 'silent' }) },
  { failFast: true },
);
const kinds = new Set<string>();
await new Promise<void>((resolve) => {
  devices.on('sample', (sample) => {
    kinds.add(sample.kind);
    if (kinds.size === 4) resolve();
  });
});
await devices.stop();
await simulated.stop();
process.stdout.write(`${JSON.stringify([...kinds].sort())}\n`);
