import {
  DECODERS,
  daly,
  encodeReadRequest,
  firmata,
  JbdRegister,
  type ProtocolDecoder,
  type ProtocolName,
  vesc,
} from '@triporteur/firmware-bridge';
import type { SerialDeviceConfig } from '../../devices/drivers.js';
import { describeFix, summarizeNmea } from './gps-heard.js';

/** A decoded frame as the bridge's decode tools give it: plain JSON. */
export type Message = Record<string, unknown>;

/**
 * How doctor asks one device family whether it is there. Requests are the drivers' own read
 * requests (never a write); display lines (KT, Bafang) and GPS receivers are only listened to.
 */
export interface ProbeProfile {
  protocol: ProtocolName;
  decoder: ProtocolDecoder;
  /** What the driver sends first; undefined for a device that talks on its own. */
  request: Uint8Array | undefined;
  /** How long to listen at the configured speed. */
  windowMs: number;
  /** Send the request again after this long without an answer: a waking JBD drops the first one. */
  repeatAfterMs: number;
  /** How long to listen at each other speed. */
  scanWindowMs: number;
  /**
   * Whether the request may go out at speeds the device is not set to. Only where a checksum makes
   * it impossible for the garbled bytes the device samples to form a command: not for Firmata.
   */
  requestWhileScanning: boolean;
  /** Speeds tried when the configured one does not decode, most likely first. */
  scanBauds: readonly number[];
  /** The detail of a pass, when the frames heard include an answer from the device. */
  answer(messages: readonly Message[], discardedBytes: number): string | undefined;
  /** Heard enough to stop listening early. */
  enough(messages: readonly Message[]): boolean;
}

/** The speeds doctor tries, after the family's usual one. */
export const USUAL_BAUDS = [9600, 19_200, 38_400, 57_600, 115_200] as const;

export function profileOf(config: SerialDeviceConfig): ProbeProfile {
  switch (config.type) {
    case 'jbd':
      return polled(config, 'jbd', 9600, encodeReadRequest(JbdRegister.basicInfo), jbdAnswer);
    case 'daly':
      return polled(config, 'daly', 9600, daly.encodeDalyReadRequest(daly.DalyDataId.soc, config.link), dalyAnswer);
    case 'vesc':
      return polled(config, 'vesc', 115_200, vesc.encodeFwVersionRequest(), vescAnswer);
    case 'kt':
      return listened(config, 'kt', 9600, 1500, 1000, displayAnswer('KT'), (m) => m.length >= 4);
    case 'bafang':
      return listened(config, 'bafang', 1200, 2500, 2000, displayAnswer('Bafang'), (m) => m.length >= 4);
    case 'nmea':
      return listened(config, 'nmea', 9600, 2500, 1500, nmeaAnswer, nmeaEnough, [4800]);
    case 'firmata':
      return {
        protocol: 'firmata',
        decoder: decoder('firmata'),
        request: firmata.encodeFirmataMessage({ kind: 'firmwareQuery' }),
        // Opening the port resets a Nano (DTR): its bootloader ignores the first query, then the
        // sketch announces itself; ask once more after the boot in case it did not.
        windowMs: 3000,
        repeatAfterMs: 2000,
        scanWindowMs: 2000,
        requestWhileScanning: false,
        scanBauds: otherBauds(config.baudRate, 57_600),
        answer: firmataAnswer,
        enough: (messages) => messages.some((m) => m.kind === 'firmware'),
      };
  }
}

type Answer = (messages: readonly Message[], discardedBytes: number) => string | undefined;

function polled(
  config: { baudRate: number; responseTimeoutMs: number },
  protocol: ProtocolName,
  usual: number,
  request: Uint8Array,
  answer: Answer,
): ProbeProfile {
  return {
    protocol,
    decoder: decoder(protocol),
    request,
    // The driver's own patience, twice, as the driver retries a timeout once.
    windowMs: 2 * config.responseTimeoutMs,
    repeatAfterMs: config.responseTimeoutMs,
    scanWindowMs: 800,
    requestWhileScanning: true,
    scanBauds: otherBauds(config.baudRate, usual),
    answer,
    enough: (messages) => answer(messages, 0) !== undefined,
  };
}

function listened(
  config: { baudRate: number },
  protocol: ProtocolName,
  usual: number,
  windowMs: number,
  scanWindowMs: number,
  answer: Answer,
  enough: (messages: readonly Message[]) => boolean,
  extraBauds: readonly number[] = [],
): ProbeProfile {
  return {
    protocol,
    decoder: decoder(protocol),
    request: undefined,
    windowMs,
    repeatAfterMs: windowMs,
    scanWindowMs,
    requestWhileScanning: false,
    scanBauds: otherBauds(config.baudRate, usual, extraBauds),
    answer,
    enough,
  };
}

function decoder(protocol: ProtocolName): ProtocolDecoder {
  const found = DECODERS[protocol];
  if (found === undefined) throw new Error(`no decoder for ${protocol}`);
  return found;
}

function otherBauds(configured: number, usual: number, extra: readonly number[] = []): number[] {
  return [...new Set([usual, ...USUAL_BAUDS, ...extra])].filter((baud) => baud !== configured);
}

/** A nested field of a decoded message, or undefined. */
function at(message: Message, ...path: string[]): unknown {
  let value: unknown = message;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const fr = (value: unknown, digits = 1): string =>
  typeof value === 'number' ? value.toFixed(digits).replace('.', ',') : '?';

function jbdAnswer(messages: readonly Message[]): string | undefined {
  const info = messages.find((m) => m.kind === 'basicInfo');
  if (info !== undefined) {
    return `BMS JBD : ${at(info, 'info', 'cellCount')} cellules, ${fr(at(info, 'info', 'voltageV'), 2)} V, SoC ${at(info, 'info', 'socPct')} %`;
  }
  const refused = messages.find((m) => m.kind === 'deviceError');
  if (refused !== undefined) return `BMS JBD : répond, mais refuse le registre ${at(refused, 'register')}`;
  return messages.some((m) => m.kind === 'cellVoltages' || m.kind === 'hardwareVersion')
    ? 'BMS JBD : répond'
    : undefined;
}

function dalyAnswer(messages: readonly Message[]): string | undefined {
  const soc = messages.find((m) => m.direction === 'response' && m.kind === 'soc');
  if (soc !== undefined) return `BMS Daly : ${fr(at(soc, 'soc', 'voltageV'))} V, SoC ${fr(at(soc, 'soc', 'socPct'))} %`;
  return messages.some((m) => m.direction === 'response') ? 'BMS Daly : répond' : undefined;
}

function vescAnswer(messages: readonly Message[]): string | undefined {
  const fw = messages.find((m) => m.direction === 'reply' && m.kind === 'fwVersion');
  if (fw !== undefined) {
    const name = at(fw, 'fw', 'hardwareName');
    const hardware = typeof name === 'string' && name !== '' ? ` (matériel ${name})` : '';
    return `contrôleur VESC : firmware ${at(fw, 'fw', 'major')}.${at(fw, 'fw', 'minor')}${hardware}`;
  }
  return messages.some((m) => m.direction === 'reply') ? 'contrôleur VESC : répond' : undefined;
}

/** Display lines have short checksums: a few frames, not one, before calling it the device. */
function displayAnswer(family: string): Answer {
  return (messages, discardedBytes) =>
    messages.length >= 2
      ? `ligne d'affichage ${family} : ${messages.length} trames${discards(discardedBytes)}`
      : undefined;
}

function nmeaAnswer(messages: readonly Message[], discardedBytes: number): string | undefined {
  if (messages.length < 2) return undefined;
  const heard = summarizeNmea(messages);
  return `GPS : ${heard.sentences} phrases NMEA (${heard.types.join(', ')}), ${describeFix(heard)}${discards(discardedBytes)}`;
}

function nmeaEnough(messages: readonly Message[]): boolean {
  return messages.some((m) => m.type === 'GGA') && messages.some((m) => m.type === 'RMC');
}

/** Firmata has no checksum: only the board's identity, or a clean stream of messages, counts. */
function firmataAnswer(messages: readonly Message[], discardedBytes: number): string | undefined {
  const firmware = messages.find((m) => m.kind === 'firmware');
  if (firmware !== undefined) {
    return `carte Firmata : ${at(firmware, 'name')} ${at(firmware, 'major')}.${at(firmware, 'minor')}`;
  }
  const version = messages.find((m) => m.kind === 'version');
  if (version !== undefined) return `carte Firmata : protocole ${at(version, 'major')}.${at(version, 'minor')}`;
  return messages.length >= 3 && discardedBytes === 0
    ? `carte Firmata : ${messages.length} messages, sans réponse d'identité`
    : undefined;
}

function discards(bytes: number): string {
  return bytes > 0 ? ` (${bytes} octets rejetés)` : '';
}
