import { systemClock } from '../../src/clock.js';
import { FirmataIoTransport } from '../../src/firmata/firmata-io-transport.js';
import { type FirmataIo, loadJohnnyFive } from '../../src/firmata/johnny-five-parts.js';
import type { ByteTransport } from '../../src/transport/transport.js';

/** Firmata-io's view of a pin after the handshake. */
export interface FirmataIoPin {
  mode?: number;
  value: number;
  state?: number;
  analogChannel: number;
  supportedModes: number[];
}

/** The parts of firmata-io the simulator tests read beyond what the driver uses. */
export type FirmataIoClient = FirmataIo & {
  pins: FirmataIoPin[];
  analogPins: number[];
  version: { major?: number; minor?: number };
  RESOLUTION: { ADC: number | null; PWM: number | null };
  analogRead(channel: number, callback: (value: number) => void): void;
  digitalRead(pin: number, callback: (value: number) => void): void;
  queryPinState(pin: number, callback: () => void): void;
  reset(): void;
};

/**
 * A real firmata-io client on a ByteTransport, as JohnnyFiveAuxBoard builds it, without
 * johnny-five on top. `close()` drops its timers and listeners.
 */
export function firmataIoClient(transport: ByteTransport, options: { reportVersionTimeout?: number } = {}) {
  const adapter = new FirmataIoTransport(
    transport,
    systemClock,
    () => undefined,
    () => undefined,
  );
  const { Firmata } = loadJohnnyFive().firmataIo;
  const io = new Firmata(adapter, { reportVersionTimeout: options.reportVersionTimeout ?? 5000 }) as FirmataIoClient;
  const ready = new Promise<void>((resolve) => io.on('ready', () => resolve()));
  adapter.announceOpen();
  const close = () => {
    if (io.reportVersionTimeoutId !== undefined) clearTimeout(io.reportVersionTimeoutId);
    io.removeAllListeners();
    adapter.detach();
  };
  return { io, adapter, ready, close };
}
