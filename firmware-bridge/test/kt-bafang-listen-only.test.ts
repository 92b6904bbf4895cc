import { describe, expect, it } from 'vitest';
import { BafangSimulator } from '../src/bafang/simulator.js';
import { BafangSniffer } from '../src/bafang/sniffer.js';
import { BridgeErrorCode } from '../src/errors.js';
import { KtSimulator } from '../src/kt/simulator.js';
import { KtSniffer } from '../src/kt/sniffer.js';
import { listenOnly } from '../src/listen-only.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { RecordingTransport } from './support/recording-transport.js';
import { settle } from './support/settle.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

/** Records what a simulator sends for `ms` of clock time, to replay into a sniffer. */
async function traffic(make: (transport: RecordingTransport, clock: ManualClock) => { start(): void }, ms: number) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  make(transport, clock).start();
  clock.advance(ms);
  await settle(2);
  return transport.written;
}

describe('listen-only display lines', () => {
  it('listenOnly() refuses every write with BRG_TRANSMIT_FORBIDDEN and never reaches the port', async () => {
    const port = new RecordingTransport();
    const line = listenOnly(port);
    expect(await codeOf(line.write(Uint8Array.of(0x11, 0x08)))).toBe(BridgeErrorCode.TRANSMIT_FORBIDDEN);
    expect(await codeOf(line.write(new Uint8Array(0)))).toBe(BridgeErrorCode.TRANSMIT_FORBIDDEN);
    expect(port.written).toEqual([]);
  });

  it('listenOnly() passes data, errors, state and close through', async () => {
    const port = new RecordingTransport();
    const line = listenOnly(port);
    const data: number[] = [];
    const errors: string[] = [];
    const offData = line.onData((bytes) => data.push(...bytes));
    line.onError((err) => errors.push(err.message));
    port.inject(Uint8Array.of(1, 2));
    port.fail(new Error('gone'));
    offData();
    port.inject(Uint8Array.of(3));
    expect(data).toEqual([1, 2]);
    expect(errors).toEqual(['gone']);
    expect(line.isOpen).toBe(true);
    await line.close();
    expect(port.isOpen).toBe(false);
    expect(line.isOpen).toBe(false);
  });

  it('the KT sniffer never calls write on its transport, whatever it hears', async () => {
    const bytes = await traffic((transport, clock) => new KtSimulator({ transport, clock, scenario: 'noisy' }), 2000);
    const port = new RecordingTransport();
    const sniffer = new KtSniffer({ transport: port, clock: new ManualClock() });
    let samples = 0;
    sniffer.on('sample', () => samples++);
    sniffer.start();
    for (const chunk of bytes) port.inject(chunk);
    sniffer.stop();
    expect(samples).toBeGreaterThan(5);
    expect(port.written).toEqual([]);
  });

  it('the Bafang sniffer never calls write on its transport, whatever it hears', async () => {
    const bytes = await traffic(
      (transport, clock) => new BafangSimulator({ transport, clock, scenario: 'noisy' }),
      2000,
    );
    const port = new RecordingTransport();
    const sniffer = new BafangSniffer({ transport: port, clock: new ManualClock() });
    let samples = 0;
    sniffer.on('sample', () => samples++);
    sniffer.start();
    for (const chunk of bytes) port.inject(chunk);
    sniffer.stop();
    expect(samples).toBeGreaterThan(2);
    expect(port.written).toEqual([]);
  });
});
