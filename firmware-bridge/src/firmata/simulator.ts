import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { ByteTransport } from '../transport/transport.js';
import { dividerVoltsToAdc, type ThermistorCalibration, thermistorCToAdc } from './analog.js';
import { decodeFirmataMessage, encodeFirmataMessage, type FirmataMessage } from './codec.js';
import { FirmataFrameSplitter } from './frame.js';
import { NANO_TOTAL_PINS, NanoFirmata } from './nano-firmata.js';

/**
 * An Arduino Nano running StandardFirmata at the far end of a transport, wired like the aux board:
 * battery divider on A0, NTC on A1, pause button to ground on D2, modem relay on D7. It speaks the
 * real bytes, so a real Firmata client (firmata-io, johnny-five) drives it unchanged.
 */
export interface FirmataBoardSimulatorOptions {
  transport: ByteTransport;
  clock?: Clock;
  batteryV?: number;
  temperatureC?: number;
  dividerRatio?: number;
  adcRefV?: number;
  thermistor?: Partial<ThermistorCalibration>;
  firmwareName?: string;
  firmwareVersion?: { major: number; minor: number };
  protocolVersion?: { major: number; minor: number };
  /** Send version and firmware on start(), as the sketch does from setup(). */
  announceOnStart?: boolean;
  /** Noisy line: this many stray data bytes between frames on every sampling pass. */
  noiseBytesPerSample?: number;
  pins?: { battery?: number; thermistor?: number; button?: number };
}

export type FirmataBoardSimulatorEvents = {
  /** A pin in OUTPUT mode changed level (the relay on D7). */
  output: [pin: number, level: 0 | 1];
  /** Every message the host sent, decoded. */
  received: [message: FirmataMessage];
};

export interface FirmataBoardSimulatorStats {
  received: number;
  sent: number;
  discardEvents: number;
  discardedBytes: number;
  ignoredUnplugged: number;
  writeErrors: number;
  transportErrors: number;
}

export class FirmataBoardSimulator {
  /** Battery voltage on the divider. */
  batteryV: number;
  temperatureC: number;
  /** A broken NTC: 'open' reads 1023, 'short' reads 0. */
  thermistorFault: 'open' | 'short' | undefined;
  noiseBytesPerSample: number;
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly firmata: NanoFirmata;
  private readonly events = new TypedEvents<FirmataBoardSimulatorEvents>();
  private readonly splitter = new FirmataFrameSplitter({ direction: 'toBoard' });
  private readonly cal: { dividerRatio: number; adcRefV: number; thermistor: ThermistorCalibration };
  private readonly pins: { battery: number; thermistor: number; button: number };
  private readonly announceOnStart: boolean;
  private readonly overrides = new Map<number, number>();
  private readonly counters = { received: 0, sent: 0, ignoredUnplugged: 0, writeErrors: 0, transportErrors: 0 };
  private pressed = false;
  private plugged = true;
  private timer: TimerHandle | undefined;
  private subscriptions: Unsubscribe[] = [];
  private noiseState = 0x2545f491;

  constructor(options: FirmataBoardSimulatorOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.batteryV = options.batteryV ?? 52;
    this.temperatureC = options.temperatureC ?? 25;
    this.noiseBytesPerSample = options.noiseBytesPerSample ?? 0;
    this.announceOnStart = options.announceOnStart ?? true;
    this.cal = {
      dividerRatio: options.dividerRatio ?? 13,
      adcRefV: options.adcRefV ?? 5.0,
      thermistor: { beta: 3950, r25Ohm: 10_000, seriesOhm: 10_000, ...options.thermistor },
    };
    this.pins = { battery: 0, thermistor: 1, button: 2, ...options.pins };
    this.firmata = new NanoFirmata(
      {
        protocol: options.protocolVersion ?? { major: 2, minor: 5 },
        firmware: {
          ...(options.firmwareVersion ?? { major: 2, minor: 5 }),
          name: options.firmwareName ?? 'StandardFirmata.ino',
        },
      },
      { analog: (channel) => this.analogReading(channel), digital: (pin, pullup) => this.digitalLevel(pin, pullup) },
    );
  }

  get stats(): FirmataBoardSimulatorStats {
    const { discardEvents, discardedBytes } = this.splitter.stats;
    return { ...this.counters, discardEvents, discardedBytes };
  }

  get buttonPressed(): boolean {
    return this.pressed;
  }

  get samplingIntervalMs(): number {
    return this.firmata.samplingIntervalMs;
  }

  get isPlugged(): boolean {
    return this.plugged;
  }

  on<K extends keyof FirmataBoardSimulatorEvents>(
    event: K,
    listener: (...args: FirmataBoardSimulatorEvents[K]) => void,
  ): Unsubscribe {
    return this.events.on(event, listener);
  }

  /** The level the sketch drives on a pin, or undefined when the pin is not an output. */
  outputLevel(pin: number): 0 | 1 | undefined {
    return this.firmata.outputLevel(pin);
  }

  pinMode(pin: number): number | undefined {
    return this.firmata.modeOf(pin);
  }

  isReportingAnalog(channel: number): boolean {
    return this.firmata.isReportingAnalog(channel);
  }

  /** Powers the board up: the sketch announces itself (unless told not to) and starts its loop. */
  start(): void {
    if (this.subscriptions.length > 0) return;
    this.subscriptions = [
      this.transport.onData((bytes) => this.onBytes(bytes)),
      this.transport.onError(() => {
        this.counters.transportErrors++;
      }),
    ];
    this.boot(this.announceOnStart);
  }

  stop(): void {
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    this.cancelTimer();
  }

  press(): void {
    this.setButton(true);
  }

  release(): void {
    this.setButton(false);
  }

  /** Forces a raw reading on an analog channel (undefined goes back to the modelled value). */
  setAnalogRaw(channel: number, value: number | undefined): void {
    if (value === undefined) this.overrides.delete(channel);
    else this.overrides.set(channel, value);
  }

  /** The USB cable is pulled: nothing is sent, everything received is lost. */
  unplug(): void {
    this.plugged = false;
    this.cancelTimer();
  }

  /** Plugged back in: the board powers up from scratch and announces itself. */
  replug(): void {
    this.plugged = true;
    if (this.subscriptions.length > 0) this.boot(true);
  }

  /** A brown-out or watchdog reset: reporting stops until the host sets the pins up again. */
  reset(): void {
    if (this.plugged && this.subscriptions.length > 0) this.boot(true);
  }

  /** Writes raw bytes as if the line had picked them up. */
  injectGarbage(bytes: Uint8Array): void {
    this.write(bytes);
  }

  private boot(announce: boolean): void {
    const hello = this.watchingOutputs(() => this.firmata.boot());
    if (announce) this.send(hello);
    this.schedule();
  }

  /** Runs a step of the sketch and tells 'output' listeners which pins it moved. */
  private watchingOutputs<T>(step: () => T): T {
    const before = this.outputLevels();
    const result = step();
    this.outputLevels().forEach((level, pin) => {
      if (level !== undefined && level !== before[pin]) this.events.emit('output', pin, level);
    });
    return result;
  }

  private onBytes(bytes: Uint8Array): void {
    if (!this.plugged) {
      this.counters.ignoredUnplugged += bytes.length;
      return;
    }
    for (const result of this.splitter.push(bytes)) {
      if (result.type !== 'frame') continue;
      const decoded = decodeFirmataMessage(result.frame);
      if (!decoded.ok) continue;
      this.counters.received++;
      this.events.emit('received', decoded.message);
      const { message } = decoded;
      this.send(this.watchingOutputs(() => this.firmata.handle(message)));
      if (message.kind === 'samplingInterval') this.schedule();
    }
  }

  private setButton(pressed: boolean): void {
    this.pressed = pressed;
    if (this.plugged) this.send(this.firmata.checkDigitalInputs());
  }

  private analogReading(channel: number): number {
    const forced = this.overrides.get(channel);
    if (forced !== undefined) return forced;
    if (channel === this.pins.battery) return dividerVoltsToAdc(this.batteryV, this.cal);
    if (channel === this.pins.thermistor) {
      if (this.thermistorFault === 'open') return 1023;
      if (this.thermistorFault === 'short') return 0;
      return thermistorCToAdc(this.temperatureC, this.cal.thermistor);
    }
    return 0;
  }

  /** The button shorts D2 to ground; released, the pin floats, which the model reads as 0. */
  private digitalLevel(pin: number, pullup: boolean): 0 | 1 {
    if (pin === this.pins.button && this.pressed) return 0;
    return pullup ? 1 : 0;
  }

  private schedule(): void {
    this.cancelTimer();
    if (!this.plugged) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.send(this.firmata.sample());
      this.schedule();
    }, this.firmata.samplingIntervalMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private send(messages: FirmataMessage[]): void {
    if (messages.length === 0 || !this.plugged) return;
    const parts: number[] = [];
    for (const message of messages) {
      parts.push(...encodeFirmataMessage(message));
      for (let i = 0; i < this.noiseBytesPerSample; i++) parts.push(this.noiseByte());
      this.counters.sent++;
    }
    this.write(Uint8Array.from(parts));
  }

  private write(bytes: Uint8Array): void {
    this.transport.write(bytes).catch(() => {
      this.counters.writeErrors++;
    });
  }

  /** Stray data bytes only (xorshift32): noise that costs bytes but cannot forge a message. */
  private noiseByte(): number {
    let x = this.noiseState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.noiseState = x >>> 0;
    return this.noiseState & 0x7f;
  }

  private outputLevels(): (0 | 1 | undefined)[] {
    return Array.from({ length: NANO_TOTAL_PINS }, (_, pin) => this.firmata.outputLevel(pin));
  }
}
