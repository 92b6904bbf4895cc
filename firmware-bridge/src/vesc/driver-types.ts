import type { Clock } from '../clock.js';
import type { BridgeError } from '../errors.js';
import type { DeviceState, MotorSample } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import type { VescSplitDiscard } from './frame.js';
import type { VescFwVersion } from './fw-version.js';
import type { VescGeometry } from './sample.js';
import { type VescValues, vescMaskOf } from './values.js';

/** The VESC UART app's default baud rate, for whoever opens the port. */
export const VESC_DEFAULT_BAUD = 115_200;

/** What a MotorSample holds: temperatures, currents, duty, ERPM, input voltage, fault. */
export const VESC_SAMPLE_MASK = vescMaskOf(
  'tempFetC',
  'tempMotorC',
  'motorCurrentA',
  'inputCurrentA',
  'duty',
  'erpm',
  'inputVoltageV',
  'faultCode',
);
export const FAULT_BIT = vescMaskOf('faultCode');

/** The driver's options, events and counters (the driver itself is in driver.ts). */
export interface VescDriverOptions extends VescGeometry {
  transport: ByteTransport;
  clock?: Clock;
  pollIntervalMs?: number;
  responseTimeoutMs?: number;
  /** Fields to ask for (VESC_SAMPLE_MASK by default); the fault code is always added. */
  mask?: number;
  /** 'full' always sends GET_VALUES; 'selective' (the default) does too when the firmware predates it. */
  request?: 'selective' | 'full';
  /** Consecutive failed cycles before the link is called 'asleep' (or 'silent' if it never answered). */
  failedCyclesBeforeOffline?: number;
}

export type VescDriverEvents = {
  sample: [sample: MotorSample];
  /** Every decoded field of the same answer, for what a MotorSample has no place for (Ah, Wh, tachometer). */
  values: [values: VescValues, at: number];
  firmware: [firmware: VescFwVersion];
  state: [state: DeviceState, previous: DeviceState];
  discard: [discard: VescSplitDiscard];
  /** Problems worth a warning. Timeouts are not reported here: they show as state changes. */
  error: [error: BridgeError];
};

export interface VescDriverStats {
  cycles: number;
  failedCycles: number;
  samples: number;
  requests: number;
  timeouts: number;
  decodeErrors: number;
  maskMismatches: number;
  /** Frames nobody was waiting for (late answers after a timeout, other commands). */
  unexpectedFrames: number;
  /** Our own requests read back (a half-duplex adapter). */
  echoes: number;
  frames: number;
  discardEvents: number;
  discardedBytes: number;
}
