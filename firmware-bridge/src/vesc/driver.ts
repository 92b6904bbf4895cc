import { type Clock, systemClock } from '../clock.js';
import { asLinkError, PollingLink } from '../driver/polling-link.js';
import { BridgeError, BridgeErrorCode, isBridgeError } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { DeviceState } from '../samples.js';
import {
  decodeReply,
  encodeFwVersionRequest,
  encodeGetValuesRequest,
  encodeGetValuesSelectiveRequest,
  VescCommand,
  type VescReply,
} from './codec.js';
import {
  FAULT_BIT,
  VESC_SAMPLE_MASK,
  type VescDriverEvents,
  type VescDriverOptions,
  type VescDriverStats,
} from './driver-types.js';
import { supportsSelective, valuesLayoutKnown } from './firmware.js';
import { VescFrameSplitter } from './frame.js';
import type { VescFwVersion } from './fw-version.js';
import { checkGeometry, requirePositive, toMotorSample, type VescGeometry } from './sample.js';
import type { VescValues } from './values.js';

export {
  VESC_DEFAULT_BAUD,
  VESC_SAMPLE_MASK,
  type VescDriverEvents,
  type VescDriverOptions,
  type VescDriverStats,
} from './driver-types.js';

type Inbound = VescReply | { kind: 'undecodable'; command: number; error: BridgeError };
type Wanted = 'fwVersion' | 'values' | 'selectiveValues';
type CycleAnswer = { values: VescValues; firmware?: VescFwVersion };

const COMMAND_OF: Record<Wanted, number> = {
  fwVersion: VescCommand.fwVersion,
  values: VescCommand.getValues,
  selectiveValues: VescCommand.getValuesSelective,
};

/**
 * Polls a VESC over any byte transport: FW_VERSION once per connection, then GET_VALUES_SELECTIVE
 * with an explicit mask (or GET_VALUES on firmware older than 3.48) every pollIntervalMs, one
 * MotorSample per answer, explicit link state, every discarded byte reported. Timers only through the Clock.
 */
export class VescDriver {
  private readonly clock: Clock;
  private readonly geometry: VescGeometry;
  private readonly responseTimeoutMs: number;
  private readonly mask: number;
  private readonly requestKind: 'selective' | 'full';
  private readonly ownRequests: Uint8Array[];
  private readonly events = new TypedEvents<VescDriverEvents>();
  private readonly link: PollingLink<Inbound, CycleAnswer>;
  private readonly splitter = new VescFrameSplitter();
  private readonly counters = {
    samples: 0,
    requests: 0,
    timeouts: 0,
    decodeErrors: 0,
    maskMismatches: 0,
    unexpectedFrames: 0,
    echoes: 0,
  };
  private fw: VescFwVersion | undefined;

  constructor(options: VescDriverOptions) {
    const { motorPolePairs, gearRatio, wheelCircumferenceM } = options;
    this.geometry = { motorPolePairs, gearRatio, wheelCircumferenceM };
    checkGeometry(this.geometry);
    requirePositive({ pollIntervalMs: options.pollIntervalMs, responseTimeoutMs: options.responseTimeoutMs });
    const mask = options.mask ?? VESC_SAMPLE_MASK;
    if (!Number.isInteger(mask) || mask < 0 || mask > 0xffff_ffff) {
      throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `mask = ${mask} is not a 32-bit field mask`);
    }
    this.clock = options.clock ?? systemClock;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 500;
    // Without the fault code a sample would claim 'none' without knowing.
    this.mask = (mask | FAULT_BIT) >>> 0;
    this.requestKind = options.request ?? 'selective';
    this.ownRequests = [encodeFwVersionRequest(), encodeGetValuesRequest(), encodeGetValuesSelectiveRequest(this.mask)];
    this.link = new PollingLink<Inbound, CycleAnswer>({
      transport: options.transport,
      clock: this.clock,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      failedCyclesBeforeOffline: options.failedCyclesBeforeOffline,
      device: 'VESC',
      driver: 'VESC',
      events: this.events,
      onBytes: (bytes) => this.onBytes(bytes),
      poll: () => this.poll(),
      deliver: (answer) => this.deliver(answer),
      // Whoever answers next may be another controller, or the same one with new firmware.
      forgetDevice: () => {
        this.fw = undefined;
      },
    });
  }

  get state(): DeviceState {
    return this.link.state;
  }

  /** The controller's FW_VERSION answer on this connection; undefined until read, and again once it goes quiet. */
  get firmware(): VescFwVersion | undefined {
    return this.fw;
  }

  get stats(): VescDriverStats {
    return { ...this.link.stats, ...this.counters, ...this.splitter.stats };
  }

  on<K extends keyof VescDriverEvents>(event: K, listener: (...args: VescDriverEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  /** Starts polling at once, then every pollIntervalMs. Calling it twice is harmless. */
  start(): void {
    this.link.start();
  }

  /** Stops polling and abandons the request in flight (BRG_ABORTED, never reported). Leaves the transport open. */
  stop(): Promise<void> {
    return this.link.stop();
  }

  private onBytes(bytes: Uint8Array): void {
    for (const result of this.splitter.push(bytes)) {
      if (result.type === 'discarded') {
        this.events.emit('discard', result);
        continue;
      }
      const { frame } = result;
      if (this.ownRequests.some((own) => sameBytes(own, frame))) {
        this.counters.echoes++;
        continue;
      }
      let inbound: Inbound;
      try {
        inbound = decodeReply(frame, { expectedMask: this.mask });
      } catch (err) {
        const error = asLinkError(err, 'VESC');
        this.counters.decodeErrors++;
        if (isBridgeError(error, BridgeErrorCode.MASK_MISMATCH)) this.counters.maskMismatches++;
        inbound = { kind: 'undecodable', command: frame[frame[0] === 0x02 ? 2 : 3] ?? 0, error };
      }
      if (!this.link.waiter.offer(inbound)) this.counters.unexpectedFrames++;
    }
  }

  private deliver(answer: CycleAnswer): boolean {
    if (answer.firmware !== undefined) this.events.emit('firmware', answer.firmware);
    const at = this.clock.now();
    this.counters.samples++;
    this.events.emit('values', answer.values, at);
    this.events.emit('sample', toMotorSample(answer.values, this.geometry, at));
    return true;
  }

  private async poll(): Promise<CycleAnswer> {
    let firmware: VescFwVersion | undefined;
    if (this.fw === undefined) {
      const reply = await this.exchange(encodeFwVersionRequest(), 'fwVersion');
      firmware = reply.fw;
      this.fw = firmware;
    }
    if (!valuesLayoutKnown(this.fw)) {
      throw new BridgeError(
        BridgeErrorCode.DEVICE_ERROR,
        `VESC firmware ${this.fw.major}.${this.fw.minor} sends GET_VALUES in a layout older than 3.0; update it`,
      );
    }
    const selective = this.requestKind === 'selective' && supportsSelective(this.fw);
    const reply = selective
      ? await this.exchange(encodeGetValuesSelectiveRequest(this.mask), 'selectiveValues')
      : await this.exchange(encodeGetValuesRequest(), 'values');
    if (reply.values.faultCode === undefined) {
      // A sample must not claim 'no fault' without having been told.
      throw new BridgeError(BridgeErrorCode.PAYLOAD_SHORT, 'VESC values reply ends before the fault code');
    }
    return firmware === undefined ? { values: reply.values } : { values: reply.values, firmware };
  }

  private async exchange<K extends Wanted>(request: Uint8Array, kind: K): Promise<Extract<VescReply, { kind: K }>> {
    const command = COMMAND_OF[kind];
    // Wait first, then write: a fast answer must find its waiter already in place.
    const wait = this.link.waiter.waitFor(
      (m) => (m.kind === 'undecodable' ? m.command === command : m.kind === kind),
      this.responseTimeoutMs,
      `VESC command ${command}`,
    );
    this.counters.requests++;
    let answer: Inbound;
    try {
      answer = await this.link.send(request, wait);
    } catch (err) {
      if (isBridgeError(err, BridgeErrorCode.TIMEOUT)) this.counters.timeouts++;
      throw err;
    }
    this.link.markAnswered();
    if (answer.kind === 'undecodable') throw answer.error;
    return answer as Extract<VescReply, { kind: K }>;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
