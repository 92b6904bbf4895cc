import type { FirmataMessage, PinCapability } from './codec.js';
import { PinMode } from './constants.js';

/**
 * What StandardFirmata 2.5 does on an Arduino Nano (ATmega328P, 8 analog inputs), as a pure state
 * machine: messages in, messages out, no timers or bytes. It follows the sketch's callbacks
 * (firmata/arduino examples/StandardFirmata/StandardFirmata.ino and Boards.h) closely enough that
 * a real Firmata client cannot tell the difference on the features it uses.
 */
export const NANO_TOTAL_PINS = 22;
export const NANO_FIRST_ANALOG_PIN = 14;
export const NANO_ANALOG_CHANNELS = 8;
const TOTAL_PORTS = Math.ceil(NANO_TOTAL_PINS / 8);
const PWM_PINS = new Set([3, 5, 6, 9, 10, 11]);

/** D0/D1 are the USB serial line and A6/A7 have no digital buffer, so neither is a digital pin. */
export const isNanoDigitalPin = (pin: number): boolean => pin >= 2 && pin <= 19;
export const isNanoAnalogPin = (pin: number): boolean =>
  pin >= NANO_FIRST_ANALOG_PIN && pin < NANO_FIRST_ANALOG_PIN + NANO_ANALOG_CHANNELS;

/** The capability response, in the order the sketch writes modes. */
export function nanoCapabilities(): PinCapability[][] {
  return Array.from({ length: NANO_TOTAL_PINS }, (_, pin) => {
    const modes: PinCapability[] = [];
    const digital = isNanoDigitalPin(pin);
    if (digital) modes.push({ mode: PinMode.input, resolution: 1 }, { mode: PinMode.pullup, resolution: 1 });
    if (digital) modes.push({ mode: PinMode.output, resolution: 1 });
    if (isNanoAnalogPin(pin)) modes.push({ mode: PinMode.analog, resolution: 10 });
    if (PWM_PINS.has(pin)) modes.push({ mode: PinMode.pwm, resolution: 8 });
    if (digital) modes.push({ mode: PinMode.servo, resolution: 14 });
    if (pin === 18 || pin === 19) modes.push({ mode: PinMode.i2c, resolution: 1 });
    return modes;
  });
}

export function nanoAnalogMapping(): (number | null)[] {
  return Array.from({ length: NANO_TOTAL_PINS }, (_, pin) =>
    isNanoAnalogPin(pin) ? pin - NANO_FIRST_ANALOG_PIN : null,
  );
}

export interface NanoIdentity {
  protocol: { major: number; minor: number };
  firmware: { major: number; minor: number; name: string };
}

/** What the world outside the chip puts on its pins. */
export interface NanoInputs {
  /** 0–1023 on an analog channel. */
  analog(channel: number): number;
  /** Level on a digital input, given whether its pull-up is on. */
  digital(pin: number, pullup: boolean): 0 | 1;
}

export class NanoFirmata {
  samplingIntervalMs = 19;
  // Zeroed memory, as on the chip; reset() then sets analog pins to ANALOG and digital ones to OUTPUT.
  private readonly modes = new Array<number>(NANO_TOTAL_PINS).fill(PinMode.input);
  /** Firmata's "pin state": the value written to an output, or 1 for an input with its pull-up on. */
  private readonly states = new Array<number>(NANO_TOTAL_PINS).fill(0);
  private readonly pullups = new Array<boolean>(NANO_TOTAL_PINS).fill(false);
  private readonly levels = new Array<0 | 1>(NANO_TOTAL_PINS).fill(0);
  private analogToReport = 0;
  private readonly reportPorts = new Array<boolean>(TOTAL_PORTS).fill(false);
  private readonly portInputs = new Array<number>(TOTAL_PORTS).fill(0);
  private readonly previousPorts = new Array<number>(TOTAL_PORTS).fill(0);
  private resetting = false;

  constructor(
    private readonly identity: NanoIdentity,
    private readonly inputs: NanoInputs,
  ) {
    this.reset();
  }

  /** What the sketch sends from setup(): protocol version, then firmware name and version. */
  boot(): FirmataMessage[] {
    this.reset();
    return [this.versionMessage(), this.firmwareMessage()];
  }

  /** The level driven on a pin in OUTPUT mode, or undefined when it is not an output. */
  outputLevel(pin: number): 0 | 1 | undefined {
    return this.modes[pin] === PinMode.output ? this.levels[pin] : undefined;
  }

  modeOf(pin: number): number | undefined {
    return this.modes[pin];
  }

  isReportingAnalog(channel: number): boolean {
    return ((this.analogToReport >> channel) & 1) === 1;
  }

  handle(message: FirmataMessage): FirmataMessage[] {
    const out: FirmataMessage[] = [];
    switch (message.kind) {
      case 'versionQuery':
        return [this.versionMessage()];
      case 'firmwareQuery':
        return [this.firmwareMessage()];
      case 'capabilityQuery':
        return [{ kind: 'capabilities', pins: nanoCapabilities() }];
      case 'analogMappingQuery':
        return [{ kind: 'analogMapping', channels: nanoAnalogMapping() }];
      case 'pinStateQuery': {
        const { pin } = message;
        const mode = this.modes[pin];
        if (mode === undefined) return [{ kind: 'pinStateUnavailable', pin }];
        return [{ kind: 'pinState', pin, mode, state: this.states[pin] ?? 0 }];
      }
      case 'samplingInterval':
        this.samplingIntervalMs = Math.max(1, message.ms);
        return out;
      case 'reportAnalog':
        this.reportAnalog(message.channel, message.enable, out);
        return out;
      case 'reportDigital':
        if (message.port < TOTAL_PORTS) {
          this.reportPorts[message.port] = message.enable;
          if (message.enable) this.outputPort(message.port, true, out);
        }
        return out;
      case 'setPinMode':
        this.setPinMode(message.pin, message.mode, out);
        return out;
      case 'setDigitalPinValue':
        if (isNanoDigitalPin(message.pin) && this.modes[message.pin] === PinMode.output) {
          this.states[message.pin] = message.value;
          this.levels[message.pin] = message.value ? 1 : 0;
        }
        return out;
      case 'digitalPort':
        this.writePort(message.port, message.value);
        return out;
      case 'analog': {
        // A PWM or servo write; only its state is kept.
        const mode = this.modes[message.channel];
        if (mode === PinMode.pwm || mode === PinMode.servo) this.states[message.channel] = message.value;
        return out;
      }
      case 'systemReset':
        this.reset();
        return out;
      default:
        // Everything else (I2C, servo config, strings, answers) StandardFirmata ignores.
        return out;
    }
  }

  /** One pass of loop(): changed digital inputs first, then every reported analog channel. */
  sample(): FirmataMessage[] {
    const out = this.checkDigitalInputs();
    for (let pin = NANO_FIRST_ANALOG_PIN; pin < NANO_FIRST_ANALOG_PIN + NANO_ANALOG_CHANNELS; pin++) {
      const channel = pin - NANO_FIRST_ANALOG_PIN;
      if (this.modes[pin] === PinMode.analog && this.isReportingAnalog(channel)) {
        out.push({ kind: 'analog', channel, value: this.inputs.analog(channel) });
      }
    }
    return out;
  }

  /** Ports whose input bits changed since last sent; call whenever an input may have moved. */
  checkDigitalInputs(): FirmataMessage[] {
    const out: FirmataMessage[] = [];
    for (let port = 0; port < TOTAL_PORTS; port++) if (this.reportPorts[port]) this.outputPort(port, false, out);
    return out;
  }

  private reset(): void {
    this.resetting = true;
    this.reportPorts.fill(false);
    this.portInputs.fill(0);
    this.previousPorts.fill(0);
    for (let pin = 0; pin < NANO_TOTAL_PINS; pin++) {
      if (isNanoAnalogPin(pin)) this.setPinMode(pin, PinMode.analog, []);
      else if (isNanoDigitalPin(pin)) this.setPinMode(pin, PinMode.output, []);
    }
    this.analogToReport = 0;
    this.samplingIntervalMs = 19;
    this.resetting = false;
  }

  private setPinMode(pin: number, mode: number, out: FirmataMessage[]): void {
    if (pin >= NANO_TOTAL_PINS || this.modes[pin] === PinMode.ignore) return;
    const digital = isNanoDigitalPin(pin);
    if (isNanoAnalogPin(pin)) this.reportAnalog(pin - NANO_FIRST_ANALOG_PIN, mode === PinMode.analog, out);
    if (digital) {
      const bit = 1 << (pin & 7);
      const port = pin >> 3;
      const inputs = this.portInputs[port] ?? 0;
      this.portInputs[port] = mode === PinMode.input || mode === PinMode.pullup ? inputs | bit : inputs & ~bit;
    }
    this.states[pin] = 0;
    const accepted =
      (mode === PinMode.analog && isNanoAnalogPin(pin)) ||
      ((mode === PinMode.input || mode === PinMode.pullup || mode === PinMode.output) && digital) ||
      (mode === PinMode.pwm && PWM_PINS.has(pin)) ||
      (mode === PinMode.servo && digital) ||
      (mode === PinMode.i2c && (pin === 18 || pin === 19));
    if (accepted) {
      this.modes[pin] = mode;
      this.pullups[pin] = mode === PinMode.pullup;
      if (mode === PinMode.pullup) this.states[pin] = 1;
      if (mode === PinMode.output) this.levels[pin] = 0;
    } else if (mode !== PinMode.serial && !(mode in MODES_IGNORED_SILENTLY)) {
      out.push({ kind: 'string', text: 'Unknown pin mode' });
    }
  }

  private writePort(port: number, value: number): void {
    if (port >= TOTAL_PORTS) return;
    for (let pin = port * 8; pin < Math.min(port * 8 + 8, NANO_TOTAL_PINS); pin++) {
      const mode = this.modes[pin];
      if (!isNanoDigitalPin(pin) || (mode !== PinMode.output && mode !== PinMode.input)) continue;
      const bit = (value >> (pin & 7)) & 1;
      if (mode === PinMode.output) this.levels[pin] = bit ? 1 : 0;
      // Writing 1 to an INPUT pin turns its pull-up on: the legacy way, and the one firmata.js uses.
      else if (bit === 1 && this.states[pin] !== 1) this.pullups[pin] = true;
      this.states[pin] = bit;
    }
  }

  private reportAnalog(channel: number, enable: boolean, out: FirmataMessage[]): void {
    if (channel >= NANO_ANALOG_CHANNELS) return;
    if (!enable) {
      this.analogToReport &= ~(1 << channel);
      return;
    }
    this.analogToReport |= 1 << channel;
    if (!this.resetting) out.push({ kind: 'analog', channel, value: this.inputs.analog(channel) });
  }

  private outputPort(port: number, force: boolean, out: FirmataMessage[]): void {
    const mask = this.portInputs[port] ?? 0;
    let value = 0;
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      if ((mask >> bit) & 1 && this.inputs.digital(pin, this.pullups[pin] ?? false) === 1) value |= 1 << bit;
    }
    if (force || this.previousPorts[port] !== value) {
      out.push({ kind: 'digitalPort', port, value });
      this.previousPorts[port] = value;
    }
  }

  private versionMessage(): FirmataMessage {
    return { kind: 'version', ...this.identity.protocol };
  }

  private firmwareMessage(): FirmataMessage {
    return { kind: 'firmware', ...this.identity.firmware };
  }
}

/** Modes the sketch knows but a pin may lack: it does nothing for those, and says nothing. */
const MODES_IGNORED_SILENTLY: Record<number, true> = {
  [PinMode.analog]: true,
  [PinMode.input]: true,
  [PinMode.pullup]: true,
  [PinMode.output]: true,
  [PinMode.pwm]: true,
  [PinMode.servo]: true,
  [PinMode.i2c]: true,
};
