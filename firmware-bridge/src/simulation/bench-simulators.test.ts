import { describe, expect, it } from 'vitest';
import { BridgeErrorCode } from '../errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { decodeStream } from '../tools/decode-stream.js';
import { DECODERS } from '../tools/decoders.js';
import { createMemoryPair } from '../transport/memory.js';
import { BENCH_SIMULATORS, startBenchSimulator } from './bench-simulators.js';

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

// Devices that speak without being asked; the others (BMS, VESC) only answer requests.
const TALKERS = ['kt', 'bafang', 'nmea', 'firmata'] as const;

describe('bench simulators', () => {
  for (const [protocol, entry] of Object.entries(BENCH_SIMULATORS)) {
    for (const scenario of entry.scenarios) {
      it(`${protocol} / ${scenario} starts, speaks decodable bytes if it is a talker, and stops`, async () => {
        const clock = new ManualClock();
        const [device, host] = createMemoryPair();
        const received: Uint8Array[] = [];
        host.onData((bytes) => received.push(bytes));
        const sim = startBenchSimulator(protocol, device, scenario, { clock, random: () => 0.5 });
        for (let i = 0; i < 30; i++) {
          clock.advance(200);
          await settle();
        }
        sim.stop();
        if (!(TALKERS as readonly string[]).includes(protocol)) return;
        const decoder = DECODERS[protocol as keyof typeof DECODERS];
        if (!decoder) throw new Error(`no decoder for ${protocol}`);
        const lines = [
          ...decodeStream(
            decoder,
            received.map((bytes) => ({ bytes })),
          ),
        ];
        expect(lines.filter((l) => l.type === 'message').length).toBeGreaterThan(0);
      });
    }
  }

  it('refuses an unknown device or scenario with BRG_OPTION_INVALID', () => {
    const [device] = createMemoryPair();
    expect(() => startBenchSimulator('modbus', device, 'ride')).toThrow(
      expect.objectContaining({ code: BridgeErrorCode.OPTION_INVALID }),
    );
    expect(() => startBenchSimulator('vesc', device, 'charge')).toThrow(
      expect.objectContaining({ code: BridgeErrorCode.OPTION_INVALID }),
    );
  });
});
