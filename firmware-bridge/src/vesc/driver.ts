import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode, isBridgeError } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import { Waiter } from '../waiter.js';
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
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly geometry: VescGeometry;
  private readonly pollIntervalMs: number;
  private readonly responseTimeoutMs: number;
  private readonly mask: number;
  private readonly requestKind: 'selective' | 'full';
  private readonly offlineAfter: number;
  private readonly ownRequests: Uint8Array[];
  private readonly events = new TypedEvents<VescDriverEvents>();
  private readonly waiter: Waiter<Inbound>;
  private readonly splitter = new VescFrameSplitter();
  private readonly counters = {
    cycles: 0,
    failedCycles: 0,
    samples: 0,
    requests: 0,
    timeouts: 0,
    decodeErrors: 0,
    maskMismatches: 0,
    unexpectedFrames: 0,
    echoes: 0,
  };
  private current: DeviceState = 'connecting';
  private fw: VescFwVersion | undefined;
  private running = false;
  private everAnswered = false;
  private answeredThisCycle = false;
  private failedInARow = 0;
  private timer: TimerHandle | undefined;
  private inflight: Promise<void> = Promise.resolve();
  private subscriptions: Unsubscribe[] = [];

  constructor(options: VescDriverOptions) {
    const { motorPolePairs, gearRatio, wheelCircumferenceM } = options;
    this.geometry = { motorPolePairs, gearRatio, wheelCircumferenceM };
    checkGeometry(this.geometry);
    requirePositive({ pollIntervalMs: options.pollIntervalMs, responseTimeoutMs: options.responseTimeoutMs });
    const mask = options.mask ?? VESC_SAMPLE_MASK;
    if (!Number.isInteger(mask) || mask < 0 || mask > 0xffff_ffff) {
      throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `mask = ${mask} is not a 32-bit field mask`);
    }
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 500;
    // Without the fault code a sample would claim 'none' without knowing.
    this.mask = (mask | FAULT_BIT) >>> 0;
    this.requestKind = options.request ?? 'selective';
    this.offlineAfter = Math.max(1, options.failedCyclesBeforeOffline ?? 2);
    this.ownRequests = [encodeFwVersionRequest(), encodeGetValuesRequest(), encodeGetValuesSelectiveRequest(this.mask)];
    this.waiter = new Waiter<Inbound>(this.clock);
  }

  get state(): DeviceState {
    return this.current;
  }

  /** The controller's FW_VERSION answer on this connection; undefined until read, and again once it goes quiet. */
  get firmware(): VescFwVersion | undefined {
    return this.fw;
  }

  get stats(): VescDriverStats {
    return { ...this.counters, ...this.splitter.stats };
  }

  on<K extends keyof VescDriverEvents>(event: K, listener: (...args: VescDriverEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  /** Starts polling at once, then every pollIntervalMs. Calling it twice is harmless. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.everAnswered = false;
    this.failedInARow = 0;
    this.fw = undefined;
    this.subscriptions = [
      this.transport.onData((bytes) => this.onBytes(bytes)),
      this.transport.onError((err) =>
        this.events.emit('error', new BridgeError(BridgeErrorCode.PORT_CLOSED, 'VESC link failed', { cause: err })),
      ),
    ];
    this.setState('connecting');
    this.inflight = this.cycle();
  }

  /** Stops polling and abandons the request in flight (BRG_ABORTED, never reported). Leaves the transport open. */
  async stop(): Promise<void> {
    if (!this.running) {
      this.setState('stopped');
      return;
    }
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.waiter.abortAll('VESC driver stopped');
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    this.setState('stopped');
    await this.inflight;
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
        const error = asBridgeError(err);
        this.counters.decodeErrors++;
        if (isBridgeError(error, BridgeErrorCode.MASK_MISMATCH)) this.counters.maskMismatches++;
        inbound = { kind: 'undecodable', command: frame[frame[0] === 0x02 ? 2 : 3] ?? 0, error };
      }
      if (!this.waiter.offer(inbound)) this.counters.unexpectedFrames++;
    }
  }

  private async cycle(): Promise<void> {
    const startedAt = this.clock.now();
    this.counters.cycles++;
    this.answeredThisCycle = false;
    let result: { values: VescValues; firmware?: VescFwVersion } | BridgeError;
    try {
      result = await this.poll();
    } catch (err) {
      result = asBridgeError(err);
    } finally {
      this.scheduleNext(startedAt);
    }
    // Listeners run outside the try: a throwing listener is its author's bug, not a link failure.
    if (!this.running) return;
    if (result instanceof BridgeError) {
      this.onCycleFailed(result);
      return;
    }
    this.failedInARow = 0;
    this.setState('connected');
    if (result.firmware !== undefined) this.events.emit('firmware', result.firmware);
    const at = this.clock.now();
    this.counters.samples++;
    this.events.emit('values', result.values, at);
    this.events.emit('sample', toMotorSample(result.values, this.geometry, at));
  }

  private async poll(): Promise<{ values: VescValues; firmware?: VescFwVersion }> {
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

  private onCycleFailed(err: BridgeError): void {
    this.counters.failedCycles++;
    if (this.answeredThisCycle) {
      // It answered, just not usefully (wrong mask, short payload, old firmware): awake, but say why.
      this.failedInARow = 0;
      this.setState('connected');
      this.events.emit('error', err);
      return;
    }
    if (!isBridgeError(err, BridgeErrorCode.TIMEOUT)) this.events.emit('error', err);
    this.failedInARow++;
    if (this.failedInARow >= this.offlineAfter) {
      // Whoever answers next may be another controller, or the same one with new firmware.
      this.fw = undefined;
      this.setState(this.everAnswered ? 'asleep' : 'silent');
    }
  }

  private scheduleNext(startedAt: number): void {
    if (!this.running) return;
    const delay = Math.max(0, this.pollIntervalMs - (this.clock.now() - startedAt));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.inflight = this.cycle();
    }, delay);
  }

  private async exchange<K extends Wanted>(request: Uint8Array, kind: K): Promise<Extract<VescReply, { kind: K }>> {
    const command = COMMAND_OF[kind];
    // Wait first, then write: a fast answer must find its waiter already in place.
    const wait = this.waiter.waitFor(
      (m) => (m.kind === 'undecodable' ? m.command === command : m.kind === kind),
      this.responseTimeoutMs,
      `VESC command ${command}`,
    );
    this.counters.requests++;
    // Not awaited on its own: a write that never drains must still end in BRG_TIMEOUT.
    let writeError: unknown;
    this.transport.write(request).catch((err: unknown) => {
      writeError = err;
      wait.cancel();
    });
    let answer: Inbound;
    try {
      answer = await wait.promise;
    } catch (err) {
      if (isBridgeError(err, BridgeErrorCode.TIMEOUT)) this.counters.timeouts++;
      throw writeError ?? err;
    }
    this.everAnswered = true;
    this.answeredThisCycle = true;
    if (answer.kind === 'undecodable') throw answer.error;
    return answer as Extract<VescReply, { kind: K }>;
  }

  private setState(next: DeviceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.events.emit('state', next, previous);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function asBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  return new BridgeError(BridgeErrorCode.PORT_CLOSED, `VESC link failed: ${String(err)}`, { cause: err });
}
