import { BridgeError, BridgeErrorCode } from '../errors.js';
import { CAPABILITY_PIN_END, FirmataCommand, NO_ANALOG_CHANNEL, SysexCommand } from './constants.js';

/**
 * Firmata messages as values, both directions (github.com/firmata/protocol, protocol.md). Pure:
 * decode never throws (a frame that makes no sense is `ok: false`), encode throws
 * BRG_ENCODE_RANGE for values the 7-bit wire cannot carry.
 */
export interface PinCapability {
  mode: number;
  /** Bits of resolution; for serial pins, which UART line (RX0, TX0…). */
  resolution: number;
}

export type FirmataMessage =
  | { kind: 'analog'; channel: number; value: number }
  | { kind: 'digitalPort'; port: number; value: number }
  | { kind: 'reportAnalog'; channel: number; enable: boolean }
  | { kind: 'reportDigital'; port: number; enable: boolean }
  | { kind: 'setPinMode'; pin: number; mode: number }
  | { kind: 'setDigitalPinValue'; pin: number; value: number }
  | { kind: 'versionQuery' }
  | { kind: 'version'; major: number; minor: number }
  | { kind: 'systemReset' }
  | { kind: 'firmwareQuery' }
  | { kind: 'firmware'; major: number; minor: number; name: string }
  | { kind: 'capabilityQuery' }
  /** One entry per pin, in pin order; an empty list is a pin Firmata cannot use (RX/TX). */
  | { kind: 'capabilities'; pins: PinCapability[][] }
  | { kind: 'analogMappingQuery' }
  /** One entry per pin: its analog channel, or null. */
  | { kind: 'analogMapping'; channels: (number | null)[] }
  | { kind: 'pinStateQuery'; pin: number }
  | { kind: 'pinState'; pin: number; mode: number; state: number }
  /** What StandardFirmata answers about a pin number it does not have: the pin alone. */
  | { kind: 'pinStateUnavailable'; pin: number }
  | { kind: 'samplingInterval'; ms: number }
  | { kind: 'samplingIntervalQuery' }
  | { kind: 'string'; text: string }
  /** Any other sysex (I2C, serial, extended ids…), carried as raw 7-bit data. */
  | { kind: 'sysex'; command: number; data: Uint8Array };

export type FirmataDecodeResult =
  | { ok: true; message: FirmataMessage }
  | { ok: false; reason: 'not-a-frame' | 'malformed'; detail: string };

export function decodeFirmataMessage(frame: Uint8Array): FirmataDecodeResult {
  const command = frame[0];
  if (command === undefined || command < 0x80) return bad('not-a-frame', 'does not start with a command byte');
  const isSysex = command === FirmataCommand.startSysex;
  const dataEnd = isSysex ? frame.length - 1 : frame.length;
  if (isSysex && frame[frame.length - 1] !== FirmataCommand.endSysex) return bad('not-a-frame', 'sysex without F7');
  for (let i = 1; i < dataEnd; i++) {
    if ((frame[i] ?? 0) >= 0x80) return bad('not-a-frame', `command byte inside the message at ${i}`);
  }
  if (isSysex) return decodeSysex(frame.subarray(1, dataEnd));
  const a = frame[1] ?? 0;
  const b = frame[2] ?? 0;
  const low = command & 0x0f;
  const fixed = (length: number, message: FirmataMessage): FirmataDecodeResult =>
    frame.length === length ? { ok: true, message } : bad('not-a-frame', `0x${hex(command)} takes ${length} bytes`);
  switch (command >= 0xf0 ? command : command & 0xf0) {
    case FirmataCommand.analog:
      return fixed(3, { kind: 'analog', channel: low, value: a | (b << 7) });
    case FirmataCommand.digitalPort:
      return fixed(3, { kind: 'digitalPort', port: low, value: a | (b << 7) });
    // The firmware treats any non-zero byte as "enable".
    case FirmataCommand.reportAnalog:
      return fixed(2, { kind: 'reportAnalog', channel: low, enable: a !== 0 });
    case FirmataCommand.reportDigital:
      return fixed(2, { kind: 'reportDigital', port: low, enable: a !== 0 });
    case FirmataCommand.setPinMode:
      return fixed(3, { kind: 'setPinMode', pin: a, mode: b });
    case FirmataCommand.setDigitalPinValue:
      return fixed(3, { kind: 'setDigitalPinValue', pin: a, value: b });
    case FirmataCommand.reportVersion:
      if (frame.length === 1) return { ok: true, message: { kind: 'versionQuery' } };
      return fixed(3, { kind: 'version', major: a, minor: b });
    case FirmataCommand.systemReset:
      return fixed(1, { kind: 'systemReset' });
    default:
      return bad('not-a-frame', `0x${hex(command)} is not a Firmata command`);
  }
}

function decodeSysex(body: Uint8Array): FirmataDecodeResult {
  const command = body[0];
  if (command === undefined) return bad('malformed', 'empty sysex');
  const data = body.subarray(1);
  const ok = (message: FirmataMessage): FirmataDecodeResult => ({ ok: true, message });
  switch (command) {
    case SysexCommand.reportFirmware: {
      if (data.length === 0) return ok({ kind: 'firmwareQuery' });
      const name = decodeChars(data.subarray(2));
      if (data.length < 2 || name === undefined) return bad('malformed', 'firmware report with an odd name length');
      return ok({ kind: 'firmware', major: data[0] ?? 0, minor: data[1] ?? 0, name });
    }
    case SysexCommand.capabilityQuery:
      return data.length === 0 ? ok({ kind: 'capabilityQuery' }) : bad('malformed', 'capability query with data');
    case SysexCommand.capabilityResponse: {
      const pins = decodeCapabilities(data);
      return pins === undefined
        ? bad('malformed', 'capability list not ended by 0x7F')
        : ok({ kind: 'capabilities', pins });
    }
    case SysexCommand.analogMappingQuery:
      return data.length === 0 ? ok({ kind: 'analogMappingQuery' }) : bad('malformed', 'mapping query with data');
    case SysexCommand.analogMappingResponse:
      return ok({ kind: 'analogMapping', channels: Array.from(data, (c) => (c === NO_ANALOG_CHANNEL ? null : c)) });
    case SysexCommand.pinStateQuery:
      return data.length === 1 ? ok({ kind: 'pinStateQuery', pin: data[0] ?? 0 }) : bad('malformed', 'pin state query');
    case SysexCommand.pinStateResponse: {
      if (data.length === 1) return ok({ kind: 'pinStateUnavailable', pin: data[0] ?? 0 });
      if (data.length < 3 || data.length > 6) return bad('malformed', `pin state response of ${data.length} bytes`);
      let state = 0;
      for (let i = data.length - 1; i >= 2; i--) state = state * 128 + (data[i] ?? 0);
      return ok({ kind: 'pinState', pin: data[0] ?? 0, mode: data[1] ?? 0, state });
    }
    case SysexCommand.samplingInterval:
      if (data.length !== 2) return bad('malformed', `sampling interval of ${data.length} bytes`);
      return ok({ kind: 'samplingInterval', ms: (data[0] ?? 0) | ((data[1] ?? 0) << 7) });
    case SysexCommand.samplingIntervalQuery:
      return data.length === 0 ? ok({ kind: 'samplingIntervalQuery' }) : bad('malformed', 'interval query with data');
    case SysexCommand.stringData: {
      const text = decodeChars(data);
      return text === undefined ? bad('malformed', 'string with an odd byte count') : ok({ kind: 'string', text });
    }
    default:
      return ok({ kind: 'sysex', command, data: data.slice() });
  }
}

/** Characters travel as two 7-bit bytes, LSB first. */
function decodeChars(data: Uint8Array): string | undefined {
  if (data.length % 2 !== 0) return undefined;
  let text = '';
  for (let i = 0; i < data.length; i += 2) text += String.fromCharCode((data[i] ?? 0) | ((data[i + 1] ?? 0) << 7));
  return text;
}

function decodeCapabilities(data: Uint8Array): PinCapability[][] | undefined {
  const pins: PinCapability[][] = [];
  let modes: PinCapability[] = [];
  let i = 0;
  while (i < data.length) {
    const mode = data[i] ?? 0;
    if (mode === CAPABILITY_PIN_END) {
      pins.push(modes);
      modes = [];
      i++;
      continue;
    }
    const resolution = data[i + 1];
    if (resolution === undefined) return undefined;
    modes.push({ mode, resolution });
    i += 2;
  }
  return modes.length === 0 ? pins : undefined;
}

export function encodeFirmataMessage(message: FirmataMessage): Uint8Array {
  switch (message.kind) {
    case 'analog':
      return of(FirmataCommand.analog | nibble('channel', message.channel), ...u14('value', message.value));
    case 'digitalPort':
      return of(FirmataCommand.digitalPort | nibble('port', message.port), ...u14('value', message.value));
    case 'reportAnalog':
      return of(FirmataCommand.reportAnalog | nibble('channel', message.channel), message.enable ? 1 : 0);
    case 'reportDigital':
      return of(FirmataCommand.reportDigital | nibble('port', message.port), message.enable ? 1 : 0);
    case 'setPinMode':
      return of(FirmataCommand.setPinMode, u7('pin', message.pin), u7('mode', message.mode));
    case 'setDigitalPinValue':
      return of(FirmataCommand.setDigitalPinValue, u7('pin', message.pin), u7('value', message.value));
    case 'versionQuery':
      return of(FirmataCommand.reportVersion);
    case 'version':
      return of(FirmataCommand.reportVersion, u7('major', message.major), u7('minor', message.minor));
    case 'systemReset':
      return of(FirmataCommand.systemReset);
    case 'firmwareQuery':
      return sysex(SysexCommand.reportFirmware, []);
    case 'firmware':
      return sysex(SysexCommand.reportFirmware, [
        u7('major', message.major),
        u7('minor', message.minor),
        ...encodeChars(message.name),
      ]);
    case 'capabilityQuery':
      return sysex(SysexCommand.capabilityQuery, []);
    case 'capabilities':
      return sysex(
        SysexCommand.capabilityResponse,
        message.pins.flatMap((modes) => [
          ...modes.flatMap(({ mode, resolution }) => [capabilityMode(mode), u7('resolution', resolution)]),
          CAPABILITY_PIN_END,
        ]),
      );
    case 'analogMappingQuery':
      return sysex(SysexCommand.analogMappingQuery, []);
    case 'analogMapping':
      return sysex(
        SysexCommand.analogMappingResponse,
        message.channels.map((c) => (c === null ? NO_ANALOG_CHANNEL : channelNumber(c))),
      );
    case 'pinStateQuery':
      return sysex(SysexCommand.pinStateQuery, [u7('pin', message.pin)]);
    case 'pinState':
      return sysex(SysexCommand.pinStateResponse, [
        u7('pin', message.pin),
        u7('mode', message.mode),
        ...pinState(message.state),
      ]);
    case 'pinStateUnavailable':
      return sysex(SysexCommand.pinStateResponse, [u7('pin', message.pin)]);
    case 'samplingInterval':
      return sysex(SysexCommand.samplingInterval, u14('ms', message.ms));
    case 'samplingIntervalQuery':
      return sysex(SysexCommand.samplingIntervalQuery, []);
    case 'string':
      return sysex(SysexCommand.stringData, encodeChars(message.text));
    case 'sysex':
      return sysex(
        u7('sysex command', message.command),
        Array.from(message.data, (b) => u7('sysex data', b)),
      );
  }
}

function encodeChars(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) out.push(...u14('character', text.charCodeAt(i)));
  return out;
}

/** Least significant 7 bits first, as few bytes as the value needs (at least one, at most four). */
function pinState(state: number): number[] {
  if (!Number.isInteger(state) || state < 0 || state >= 2 ** 28) throw range('state', state, '0–2^28−1');
  const out = [state & 0x7f];
  for (let rest = Math.floor(state / 128); rest > 0; rest = Math.floor(rest / 128)) out.push(rest & 0x7f);
  return out;
}

function capabilityMode(mode: number): number {
  // 0x7F ends a pin's list, so it cannot be a mode there.
  if (u7('mode', mode) === CAPABILITY_PIN_END) throw range('mode', mode, '0–126 in a capability list');
  return mode;
}

function channelNumber(channel: number): number {
  if (u7('channel', channel) === NO_ANALOG_CHANNEL) throw range('channel', channel, '0–126 (127 means none)');
  return channel;
}

function sysex(command: number, data: number[]): Uint8Array {
  return Uint8Array.from([FirmataCommand.startSysex, command, ...data, FirmataCommand.endSysex]);
}

function of(...bytes: number[]): Uint8Array {
  return Uint8Array.from(bytes);
}

function u7(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0x7f) throw range(name, value, '0–127');
  return value;
}

function nibble(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0x0f) throw range(name, value, '0–15');
  return value;
}

function u14(name: string, value: number): [number, number] {
  if (!Number.isInteger(value) || value < 0 || value > 0x3fff) throw range(name, value, '0–16383');
  return [value & 0x7f, value >> 7];
}

function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}

function bad(reason: 'not-a-frame' | 'malformed', detail: string): FirmataDecodeResult {
  return { ok: false, reason, detail };
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
