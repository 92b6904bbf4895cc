import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { Unsubscribe } from '../events.js';
import type { AuxSample, DeviceState, QualityMap } from '../samples.js';
import {
  ADC_MAX,
  adcToDividerVolts,
  adcToThermistorC,
  type DividerCalibration,
  type ThermistorCalibration,
} from './analog.js';

/**
 * The auxiliary sensor board as the rest of the bridge sees it. JohnnyFiveAuxBoard is one
 * implementation; nothing outside it knows about johnny-five, so it can be replaced.
 */
export interface AuxButtonEvent {
  pressed: boolean;
  /** The pause-location flag after this edge. */
  pauseLocation: boolean;
  at: number;
}

// A type alias, not an interface, so it fits TypedEvents' EventMap without an index signature.
export type AuxBoardEvents = {
  sample: [sample: AuxSample];
  state: [state: DeviceState, previous: DeviceState];
  button: [event: AuxButtonEvent];
  error: [error: BridgeError];
};

export interface AuxBoard {
  readonly state: DeviceState;
  readonly modemPowered: boolean;
  readonly pauseLocation: boolean;
  start(): void;
  /** Stops reporting and releases every timer; leaves the transport open. */
  stop(): Promise<void>;
  on<K extends keyof AuxBoardEvents>(event: K, listener: (...args: AuxBoardEvents[K]) => void): Unsubscribe;
  /** Remembered before the board is ready and applied once it is. */
  setModemPower(on: boolean): void;
}

export interface AuxBoardOptions extends Partial<DividerCalibration> {
  thermistor?: Partial<ThermistorCalibration>;
  /** Emit at most one AuxSample per this many ms. */
  sampleIntervalMs?: number;
  /** Plausible battery voltage; outside it the value is kept but flagged 'out-of-range'. */
  batteryRangeV?: readonly [number, number];
  /** Readings this close to 0 or 1023 mean a shorted or open thermistor. */
  thermistorFaultMarginLsb?: number;
  /** 'toggle': each press flips pause-location; 'level': paused while the switch is closed. */
  pauseMode?: 'toggle' | 'level';
  /** How the modem is wired to the relay contacts. */
  relay?: 'normally-open' | 'normally-closed';
  initialModemPower?: boolean;
  initialPauseLocation?: boolean;
  /** Board must report ready (version, firmware, capabilities) within this, or BRG_BOARD_NOT_READY. */
  readyTimeoutMs?: number;
  /** No byte from a ready board for this long: the link is 'silent' (unplugged, crashed, reset). */
  silenceTimeoutMs?: number;
  /** Analog channels and digital pins. */
  pins?: { battery?: number; thermistor?: number; relay?: number; button?: number };
}

export interface AuxCalibration extends DividerCalibration {
  thermistor: ThermistorCalibration;
  batteryRangeV: readonly [number, number];
  thermistorFaultMarginLsb: number;
}

export interface ResolvedAuxBoardOptions extends AuxCalibration {
  sampleIntervalMs: number;
  pauseMode: 'toggle' | 'level';
  relay: 'normally-open' | 'normally-closed';
  initialModemPower: boolean;
  initialPauseLocation: boolean;
  readyTimeoutMs: number;
  silenceTimeoutMs: number;
  pins: { battery: number; thermistor: number; relay: number; button: number };
}

/** Fills in defaults and refuses nonsense with BRG_OPTION_INVALID, once, at construction. */
export function resolveAuxBoardOptions(options: AuxBoardOptions): Readonly<ResolvedAuxBoardOptions> {
  const resolved: ResolvedAuxBoardOptions = {
    dividerRatio: options.dividerRatio ?? 13,
    adcRefV: options.adcRefV ?? 5.0,
    thermistor: { beta: 3950, r25Ohm: 10_000, seriesOhm: 10_000, ...options.thermistor },
    batteryRangeV: options.batteryRangeV ?? [30, 60],
    thermistorFaultMarginLsb: options.thermistorFaultMarginLsb ?? 10,
    sampleIntervalMs: options.sampleIntervalMs ?? 1000,
    pauseMode: options.pauseMode ?? 'toggle',
    relay: options.relay ?? 'normally-open',
    initialModemPower: options.initialModemPower ?? true,
    initialPauseLocation: options.initialPauseLocation ?? false,
    readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
    silenceTimeoutMs: options.silenceTimeoutMs ?? 2000,
    pins: { battery: 0, thermistor: 1, relay: 7, button: 2, ...options.pins },
  };
  const positive = {
    dividerRatio: resolved.dividerRatio,
    adcRefV: resolved.adcRefV,
    'thermistor.beta': resolved.thermistor.beta,
    'thermistor.r25Ohm': resolved.thermistor.r25Ohm,
    'thermistor.seriesOhm': resolved.thermistor.seriesOhm,
    sampleIntervalMs: resolved.sampleIntervalMs,
    readyTimeoutMs: resolved.readyTimeoutMs,
    silenceTimeoutMs: resolved.silenceTimeoutMs,
  };
  for (const [name, value] of Object.entries(positive)) {
    if (!Number.isFinite(value) || value <= 0) throw invalid(name, value, 'a positive number');
  }
  const [low, high] = resolved.batteryRangeV;
  if (!(low < high)) throw invalid('batteryRangeV', `${low}–${high}`, 'low < high');
  const margin = resolved.thermistorFaultMarginLsb;
  if (!Number.isInteger(margin) || margin < 0 || margin >= ADC_MAX / 2) {
    throw invalid('thermistorFaultMarginLsb', margin, 'an integer 0–510');
  }
  const { battery, thermistor, relay, button } = resolved.pins;
  for (const [name, channel] of Object.entries({ battery, thermistor })) {
    if (!Number.isInteger(channel) || channel < 0 || channel > 15) throw invalid(`pins.${name}`, channel, '0–15');
  }
  for (const [name, pin] of Object.entries({ relay, button })) {
    if (!Number.isInteger(pin) || pin < 2 || pin > 127) throw invalid(`pins.${name}`, pin, '2–127');
  }
  if (!['toggle', 'level'].includes(resolved.pauseMode)) throw invalid('pauseMode', resolved.pauseMode, 'toggle|level');
  if (!['normally-open', 'normally-closed'].includes(resolved.relay)) {
    throw invalid('relay', resolved.relay, 'normally-open|normally-closed');
  }
  return Object.freeze(resolved);
}

export interface AuxReading {
  at: number;
  batteryAdc?: number;
  thermistorAdc?: number;
  modemPowered: boolean;
  pauseLocation: boolean;
}

/** Turns raw ADC readings into a sample; implausible values are kept and flagged, never hidden. */
export function toAuxSample(reading: AuxReading, cal: AuxCalibration): AuxSample {
  const sample: AuxSample = {
    kind: 'aux',
    source: 'firmata',
    at: reading.at,
    modemPowered: reading.modemPowered,
    pauseLocation: reading.pauseLocation,
  };
  const quality: QualityMap<Omit<AuxSample, 'quality'>> = {};
  if (reading.batteryAdc !== undefined) {
    const volts = round(adcToDividerVolts(reading.batteryAdc, cal), 100);
    sample.batteryV = volts;
    if (volts < cal.batteryRangeV[0] || volts > cal.batteryRangeV[1]) quality.batteryV = 'out-of-range';
  }
  if (reading.thermistorAdc !== undefined) {
    const adc = reading.thermistorAdc;
    sample.temperatureC = round(adcToThermistorC(adc, cal.thermistor), 10);
    const margin = cal.thermistorFaultMarginLsb;
    if (adc <= margin || adc >= ADC_MAX - margin) quality.temperatureC = 'out-of-range';
  }
  if (Object.keys(quality).length > 0) sample.quality = quality;
  return sample;
}

function round(value: number, per: number): number {
  return Math.round(value * per) / per;
}

function invalid(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.OPTION_INVALID, `aux board ${name} = ${String(value)} (expected ${allowed})`);
}
