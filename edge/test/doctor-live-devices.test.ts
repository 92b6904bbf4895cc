import type { PortState } from '@triporteur/firmware-bridge';
import { describe, expect, it } from 'vitest';
import { liveDeviceChecks } from '../src/doctor/live-devices.js';
import { doctorConfig, doctorTestContext } from './support/doctor-config.js';

// Inside the service, doctor judges each device from the port state its supervisor keeps
// (firmware-bridge/src/port/supervisor.ts), never by opening a port the service holds.

const live = (port: PortState) => ({
  uplink: () => 'online' as const,
  outbox: () => ({ depth: 0, oldestTs: null }),
  pendingEvents: () => 0,
  devices: () => [{ kind: 'battery' as const, type: 'jbd', state: 'connected' as const, port }],
});

async function judge(port: PortState) {
  const context = doctorTestContext(doctorConfig(), { live: live(port) });
  const [check] = liveDeviceChecks(context);
  if (!check) throw new Error('no live check for the BMS');
  return check.run(context);
}

describe('doctor inside the service: serial links from the supervisor', () => {
  it.each([
    ['connected', 'pass', 'DOC_OK'],
    ['unplugged', 'fail', 'DOC_SERIAL_MISSING'],
    ['silent', 'fail', 'DOC_SERIAL_SILENT'],
    // Bytes but never a frame: wrong speed, wrong device, A/B or TX/RX trouble, not a loop.
    ['wiring-fault', 'fail', 'DOC_SERIAL_GARBLED'],
  ] as const)('%s → %s %s', async (port, status, code) => {
    expect(await judge(port)).toMatchObject({ id: 'serial-bms', status, code });
  });
});
