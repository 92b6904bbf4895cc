import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { ManualClock } from '../testing/manual-clock.js';
import { FirmataIoTransport } from './firmata-io-transport.js';

function setup() {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const writeErrors: unknown[] = [];
  const tapped: Uint8Array[] = [];
  const adapter = new FirmataIoTransport(
    transport,
    clock,
    (err) => writeErrors.push(err),
    (bytes) => tapped.push(bytes),
  );
  return { clock, transport, adapter, writeErrors, tapped };
}

describe('FirmataIoTransport', () => {
  it('hands received bytes to the tap, then to firmata-io, and notes when they came', () => {
    const { clock, transport, adapter, tapped } = setup();
    const chunks: Uint8Array[] = [];
    adapter.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    clock.advance(500);
    transport.inject(Uint8Array.of(0xf9, 2, 5));
    expect(tapped).toEqual([Uint8Array.of(0xf9, 2, 5)]);
    expect(chunks).toEqual([Uint8Array.of(0xf9, 2, 5)]);
    expect(adapter.lastDataAt).toBe(clock.now());
    expect(adapter.bytesIn).toBe(3);
  });

  it('passes firmata-io Buffers on as plain Uint8Arrays and calls back once written', async () => {
    const { transport, adapter } = setup();
    const done = new Promise<unknown>((resolve) => adapter.write(Buffer.from([0xf0, 0x79, 0xf7]), resolve));
    expect(await done).toBeUndefined();
    expect(transport.written).toEqual([Uint8Array.of(0xf0, 0x79, 0xf7)]);
    expect(Buffer.isBuffer(transport.written[0])).toBe(false);
    expect(adapter.bytesOut).toBe(3);
  });

  it('reports a failed write to the driver and to firmata-io', async () => {
    const { transport, adapter, writeErrors } = setup();
    await transport.close();
    const err = await new Promise<unknown>((resolve) => adapter.write(Buffer.from([0xf9]), resolve));
    expect((err as { code?: string }).code).toBe('BRG_PORT_CLOSED');
    expect(writeErrors).toEqual([err]);
    expect(adapter.isOpen).toBe(false);
  });

  it('forgets the transport on detach', async () => {
    const { transport, adapter } = setup();
    adapter.detach();
    expect(transport.listeners).toBe(0);
    expect(adapter.isOpen).toBe(false);
    const err = await new Promise<unknown>((resolve) => adapter.write(Buffer.from([0xf9]), resolve));
    expect(err).toBeInstanceOf(Error);
    expect(transport.written).toEqual([]);
  });
});
