import {
  BafangSniffer,
  type BridgeError,
  type ByteTransport,
  type Clock,
  DalyDriver,
  type DeviceState,
  JbdDriver,
  JohnnyFiveAuxBoard,
  KtSniffer,
  NmeaReceiver,
  type Sample,
  type SupervisedDevice,
  type Unsubscribe,
  VescDriver,
} from '@triporteur/firmware-bridge';
import type {
  AuxDeviceConfig,
  BafangMotorConfig,
  BmsDeviceConfig,
  KtMotorConfig,
  NmeaGpsConfig,
  VescMotorConfig,
} from './config.js';
import type { DeviceEvent } from './types.js';

/** Where a driver's output goes (the device handle). */
export interface DriverSink {
  sample(sample: Sample): void;
  event(event: DeviceEvent): void;
}

export type SerialDeviceConfig =
  | BmsDeviceConfig
  | VescMotorConfig
  | KtMotorConfig
  | BafangMotorConfig
  | NmeaGpsConfig
  | AuxDeviceConfig;

/** What all the bridge's drivers, sniffers, receivers and boards have in common. */
interface Driver {
  readonly state: DeviceState;
  readonly stats: { readonly frames: number; readonly discardedBytes: number };
  on(event: 'state', listener: (state: DeviceState, previous: DeviceState) => void): Unsubscribe;
  on(event: 'sample', listener: (sample: Sample) => void): Unsubscribe;
  on(event: 'error', listener: (error: BridgeError) => void): Unsubscribe;
  start(): void;
  stop(): void | Promise<void>;
}

/** Every family but the aux board splits frames itself and reports what it throws away. */
interface FramingDriver extends Driver {
  on(event: 'state', listener: (state: DeviceState, previous: DeviceState) => void): Unsubscribe;
  on(event: 'sample', listener: (sample: Sample) => void): Unsubscribe;
  on(event: 'error', listener: (error: BridgeError) => void): Unsubscribe;
  on(event: 'discard', listener: (discard: { reason: string; bytes: Uint8Array }) => void): Unsubscribe;
}

function framing(driver: FramingDriver, sink: DriverSink): SupervisedDevice {
  driver.on('discard', (d) => sink.event({ type: 'discard', reason: d.reason, bytes: d.bytes.length }));
  return supervised(driver, sink);
}

/** Wires the events every driver has, and gives PortSupervisor the promise-returning stop() it expects. */
function supervised(driver: Driver, sink: DriverSink): SupervisedDevice {
  driver.on('sample', (sample) => sink.sample(sample));
  driver.on('error', (error) => sink.event({ type: 'error', error }));
  return {
    get state() {
      return driver.state;
    },
    get stats() {
      return driver.stats;
    },
    on: (event, listener) => driver.on(event, listener),
    start: () => driver.start(),
    stop: async () => {
      await driver.stop();
    },
  };
}

/**
 * Builds the driver of a configured device over a freshly opened line. KT and Bafang get the line
 * through listenOnly() from the caller, and never see anything else.
 */
export function attachDriver(
  config: SerialDeviceConfig,
  transport: ByteTransport,
  clock: Clock,
  sink: DriverSink,
): SupervisedDevice {
  switch (config.type) {
    case 'jbd':
      return framing(
        new JbdDriver({
          transport,
          clock,
          pollIntervalMs: config.pollIntervalMs,
          responseTimeoutMs: config.responseTimeoutMs,
        }),
        sink,
      );
    case 'daly': {
      const driver = new DalyDriver({
        transport,
        clock,
        nominalAh: config.nominalAh,
        currentSign: config.currentSign,
        link: config.link,
        pollIntervalMs: config.pollIntervalMs,
        responseTimeoutMs: config.responseTimeoutMs,
      });
      driver.on('warning', (warning) => sink.event({ type: 'warning', warning }));
      return framing(driver, sink);
    }
    case 'vesc': {
      const driver = new VescDriver({
        transport,
        clock,
        pollIntervalMs: config.pollIntervalMs,
        responseTimeoutMs: config.responseTimeoutMs,
        gearRatio: config.gearRatio,
        motorPolePairs: config.motorPolePairs,
        wheelCircumferenceM: config.wheelCircumferenceM,
      });
      driver.on('firmware', (firmware) => sink.event({ type: 'firmware', firmware }));
      return framing(driver, sink);
    }
    case 'kt':
      return framing(
        new KtSniffer({
          transport,
          clock,
          wheelCircumferenceM: config.wheelCircumferenceM,
          nominalVoltageV: config.nominalVoltageV,
        }),
        sink,
      );
    case 'bafang':
      return framing(
        new BafangSniffer({
          transport,
          clock,
          wheelCircumferenceM: config.wheelCircumferenceM,
          nominalVoltageV: config.nominalVoltageV,
        }),
        sink,
      );
    case 'nmea':
      return framing(new NmeaReceiver({ transport, clock }), sink);
    case 'firmata': {
      const board = new JohnnyFiveAuxBoard({ transport, clock, ...auxBoardOptions(config) });
      board.on('button', (button) => sink.event({ type: 'button', button }));
      return supervised(board, sink);
    }
  }
}

/** The board options a config section gives (also checked up front, before anything opens). */
export function auxBoardOptions(config: AuxDeviceConfig) {
  return {
    sampleIntervalMs: config.sampleIntervalMs,
    dividerRatio: config.dividerRatio,
    adcRefV: config.adcRefV,
    thermistor: config.thermistor,
    pins: config.pins,
    pauseMode: config.pauseMode,
    relay: config.relay,
    versionQueryAfterMs: config.versionQueryAfterMs,
  };
}
